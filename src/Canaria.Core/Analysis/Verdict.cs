namespace Canaria.Core.Analysis;

internal enum Verdict
{
    Pass,
    Fail,

    /// <summary>No data, NaN, or too few requests: never a pass.</summary>
    Inconclusive,
}
