using System.Globalization;
using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Local.Controller;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Canaria.Cli.Rendering;

/// <summary>The text views of `canaria get` and `canaria status`.</summary>
internal static class RolloutRenderer
{
    public static IRenderable List(IEnumerable<RolloutView> views)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NAME", "STRATEGY", "PHASE", "STEP", "CANARY WEIGHT", "MESSAGE");
        foreach (var v in views)
        {
            table.AddRow(Esc(v.Name), v.Strategy, PhaseMarkup(v.Status.Phase), StepText(v), Esc(v.AppliedTraffic?.WeightText ?? "0%"), Esc(v.Status.Message));
        }
        return table;
    }

    public static IRenderable Detail(RolloutView v)
    {
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]{Esc(v.Name)}[/]  {v.Strategy}  {PhaseMarkup(v.Status.Phase)}  {StepText(v)}  state [bold]{v.Status.StepState}[/]"),
            new Markup($"service [bold]{Esc(v.Service ?? "-")}[/] on http://{Esc(v.ListenAddress ?? "?")}   spec revision {v.SpecRevision}"),
            new Markup(Esc(v.Status.Message)),
        };

        var versions = new Table().Border(TableBorder.Simple).AddColumns("REVISION", "VERSION", "ROLE", "WEIGHT", "READY", "REPLICAS");
        foreach (var x in v.Versions)
        {
            var replicas = string.Join(" ", x.Replicas.Select(r => $"{r.Index}:{r.State}{(r.Restarts > 0 ? $"({r.Restarts} restarts)" : "")}"));
            versions.AddRow(x.Revision.ToString(CultureInfo.InvariantCulture), Esc(x.Version), x.Role, Esc(x.WeightText), $"{x.ReadyReplicas}/{x.DesiredReplicas}", Esc(replicas));
        }
        rows.Add(versions);

        if (v.AppliedTraffic is { Matches.Count: > 0 } t)
            rows.Add(new Markup("test users routed to the canary: " + Esc(string.Join(", ", t.Matches.Select(m => $"{m.Kind.ToString().ToLowerInvariant()} {m.Name} {m.Operator.ToString().ToLowerInvariant()} {m.Value}")))));

        if (v.Status.Checks.Count > 0)
        {
            var checks = new Table().Border(TableBorder.Simple).AddColumns("CHECK", "LAST VERDICT", "PASSES (STEP)", "FAILURES", "EVIDENCE");
            foreach (var c in v.Status.Checks)
                checks.AddRow(Esc(c.Name), VerdictMarkup(c.LastVerdict), c.StepPasses.ToString(CultureInfo.InvariantCulture), c.Failures.ToString(CultureInfo.InvariantCulture), Esc(c.Evidence ?? "no measurement yet"));
            rows.Add(checks);
        }
        if (v.Status.GateMessage is { } gate)
        {
            rows.Add(new Markup("gate: " + Esc(gate)));
        }
        if (v.NotStored is { } notStored)
            rows.Add(new Markup("[red]status not stored: " + Esc(notStored) + "[/]"));
        return new Rows(rows);
    }

    public static string StepText(RolloutView v) =>
        v.Status.CanaryRevision is null ? "-" : v.Status.StepIndex >= v.Steps ? "full promotion" : $"step {v.Status.StepIndex + 1}/{v.Steps}";

    private static string PhaseMarkup(RolloutPhase phase) => phase switch
    {
        RolloutPhase.Healthy => "[green]Healthy[/]",
        RolloutPhase.Aborted => "[red]Aborted[/]",
        RolloutPhase.Paused => "[yellow]Paused[/]",
        _ => "[blue]Progressing[/]",
    };

    private static string VerdictMarkup(Verdict? verdict) => verdict switch
    {
        Verdict.Pass => "[green]Pass[/]",
        Verdict.Fail => "[red]Fail[/]",
        Verdict.Inconclusive => "[yellow]Inconclusive[/]",
        Verdict.Pending => "[blue]Pending[/]",
        Verdict.Error => "[yellow]Error[/]",
        _ => "-",
    };

    private static string Esc(string text) => Markup.Escape(text);
}
