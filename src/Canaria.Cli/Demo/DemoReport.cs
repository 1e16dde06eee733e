using Canaria.Core.Engine;
using Canaria.Cli.Load;
using Spectre.Console;

namespace Canaria.Cli.Demo;

/// <summary>The demo's final report, and the verdict on whether everything went as expected.</summary>
internal sealed class DemoReport
{
    public bool V2Completed { get; set; }
    public bool V3Aborted { get; set; }
    public string? V3AbortReason { get; set; }
    public string? Problem { get; set; }
    public int LeftoverProcesses { get; set; }
    public TimeSpan Elapsed { get; set; }
    public IReadOnlyDictionary<string, VersionTally> Tallies { get; set; } = new Dictionary<string, VersionTally>();
    public IReadOnlyList<(TimeSpan At, RolloutEvent Event)> Events { get; set; } = [];

    public bool Print()
    {
        AnsiConsole.WriteLine();
        AnsiConsole.Write(new Rule("[bold]report[/]"));
        AnsiConsole.Write(LoadSummary.Table(Tallies));

        var decisions = new Table().Border(TableBorder.Simple).AddColumns("TIME", "DECISION", "REASON");
        foreach (var (at, e) in Events)
            decisions.AddRow($"{at.TotalSeconds:0.0}s", Markup.Escape(e.Reason), Markup.Escape(e.Message));
        AnsiConsole.Write(decisions);

        var v3Failed = Tallies.TryGetValue("v3", out var v3) ? v3.Failures : 0;
        var gatewayFailed = Tallies.TryGetValue(LoadGenerator.NoVersion, out var g) ? g.Failures : 0;
        var stableFailed = Tallies.Where(p => p.Key is "v1" or "v2").Sum(p => p.Value.Failures);
        AnsiConsole.MarkupLine($"v3 failed [bold]{v3Failed}[/] requests before its traffic reached 0% ({Markup.Escape(V3AbortReason ?? "not aborted")}).");

        var checks = new (string What, bool Ok)[]
        {
            ("v2 promoted to 100% and became stable", V2Completed),
            ("v3 aborted automatically by analysis", V3Aborted && (V3AbortReason?.Contains("analysis", StringComparison.Ordinal) ?? false)),
            ("no request failed in the gateway itself (502/503/504, connection errors)", gatewayFailed == 0),
            ("no request failed on v1 or v2", stableFailed == 0),
            ("every replica process the demo started is gone", LeftoverProcesses == 0),
            ("the demo finished within 90 s", Elapsed < TimeSpan.FromSeconds(90)),
            ("nothing timed out", Problem is null),
        };
        foreach (var (what, ok) in checks)
            AnsiConsole.MarkupLine($"{(ok ? "[green]✓[/]" : "[red]✗[/]")} {Markup.Escape(what)}");
        if (Problem is not null) AnsiConsole.MarkupLine($"[red]{Markup.Escape(Problem)}[/]");
        var allOk = checks.All(c => c.Ok);
        AnsiConsole.MarkupLine(allOk ? $"[green bold]demo went as expected in {Elapsed.TotalSeconds:0.0}s[/]" : "[red bold]demo did NOT go as expected[/]");
        return allOk;
    }
}
