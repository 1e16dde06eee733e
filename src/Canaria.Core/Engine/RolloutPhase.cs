namespace Canaria.Core.Engine;

/// <summary>The one-word summary of a rollout shown by `canaria get`.</summary>
internal enum RolloutPhase
{
    /// <summary>Stable is coming up or a release is moving through its steps.</summary>
    Progressing,

    /// <summary>Held by a human (pause), a manual step, or inconclusive analysis.</summary>
    Paused,

    /// <summary>Stable serves everything and no release is under way.</summary>
    Healthy,

    /// <summary>The last release was aborted; stable serves everything.</summary>
    Aborted,
}
