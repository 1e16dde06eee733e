using System.Globalization;

namespace Canaria.Core.Model;

/// <summary>
/// A split written as relative integer weights of any total (seed 003's TrafficSplit: 500/500, 250/750, 0/1). The
/// canary's share is canary / (stable + canary); routers that take relative weights get them unchanged.
/// </summary>
internal sealed record SplitWeights(int Stable, int Canary)
{
    public long Total => (long)Stable + Canary;

    /// <summary>
    /// The canary's share in whole percent, rounded to the nearest (half away from zero), except that a canary with any
    /// weight never reads as 0% and a stable with any weight never reads as 100% (1/1000 is 1%, 999/1000 is 99%):
    /// "no traffic" and "all traffic" are claims a rollout relies on. No weight at all reads as 0%.
    /// </summary>
    public int CanaryPercent => RoundedPercent(Canary, Total);

    /// <summary>The canary's exact share in percent (33.33… for 1/2 of a total of 3).</summary>
    public double ExactPercent => Total <= 0 ? 0 : 100.0 * Canary / Total;

    /// <summary>The same split as two percentages, for routers that only take those.</summary>
    public static SplitWeights FromPercent(int canaryPercent) => new(100 - canaryPercent, canaryPercent);

    /// <summary>"250/750 (75%)", the weights as written and the canary's share.</summary>
    public override string ToString() => $"{Stable}/{Canary} ({FormatPercent(ExactPercent)})";

    /// <summary>A share as people read it: 75%, 33.3%, 0.1%.</summary>
    public static string FormatPercent(double percent) => percent.ToString("0.#", CultureInfo.InvariantCulture) + "%";

    /// <summary>The rounding rule of <see cref="CanaryPercent"/> for any pair of weights.</summary>
    public static int RoundedPercent(long canary, long total)
    {
        if (total <= 0) return 0;
        var percent = (int)Math.Round(100m * canary / total, MidpointRounding.AwayFromZero);
        if (canary > 0 && percent == 0) return 1;
        if (canary < total && percent == 100) return 99;
        return percent;
    }
}
