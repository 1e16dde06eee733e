namespace Canaria.Core.Analysis;

internal enum Verdict
{
    Pass,
    Fail,

    /// <summary>No data, NaN, or too few requests: never a pass.</summary>
    Inconclusive,

    /// <summary>A sequential test has enough data but no decision yet: neither a pass nor a reason to ask a human.</summary>
    Pending,

    /// <summary>The metric source failed (unreachable, non-2xx, unreadable answer): never a pass.</summary>
    Error,
}
