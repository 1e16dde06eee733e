namespace Canaria.Release.Loop;

internal enum PassOutcome
{
    /// <summary>Stored (or already stored) and applied.</summary>
    Applied,

    /// <summary>The store failed but the decision only moves traffic toward stable: applied anyway, stored by a later pass.</summary>
    AppliedUnstored,

    /// <summary>The store reported a conflict: nothing applied.</summary>
    Conflict,

    /// <summary>The store failed and the decision does not move toward stable: nothing applied, nothing changed.</summary>
    Held,
}
