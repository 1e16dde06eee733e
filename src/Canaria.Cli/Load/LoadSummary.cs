using System.Globalization;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Canaria.Cli.Load;

/// <summary>The per-version table of what a load's clients saw: requests, failures, success rate, p50 and p99.</summary>
internal static class LoadSummary
{
    public static IRenderable Table(IReadOnlyDictionary<string, VersionTally> tallies)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("VERSION", "REQUESTS", "FAILURES", "SUCCESS", "P50", "P99");
        foreach (var (version, tally) in tallies.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var requests = tally.Requests;
            var failures = tally.Failures;
            table.AddRow(Markup.Escape(version), N(requests), N(failures),
                requests == 0 ? "-" : string.Create(CultureInfo.InvariantCulture, $"{100.0 * (requests - failures) / requests:0.00}%"),
                Ms(tally.Latency.Quantile(0.5)), Ms(tally.Latency.Quantile(0.99)));
        }
        return table;
    }

    /// <summary>One line for progress: `v1 1,204 (0 failed) | v2 130 (2 failed)`.</summary>
    public static string Line(IReadOnlyDictionary<string, VersionTally> tallies) =>
        tallies.Count == 0 ? "no answer yet" : string.Join(" | ", tallies.OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key} {N(p.Value.Requests)} ({N(p.Value.Failures)} failed)"));

    private static string N(long n) => n.ToString("N0", CultureInfo.InvariantCulture);

    private static string Ms(double? ms) => ms is { } v ? string.Create(CultureInfo.InvariantCulture, $"{v:0.0}ms") : "-";
}
