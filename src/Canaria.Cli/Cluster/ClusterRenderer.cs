using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Resources;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Canaria.Cli.Cluster;

/// <summary>The text views of get, status and history for Rollouts on a cluster (the local renderer's layout).</summary>
internal static class ClusterRenderer
{
    public static IRenderable List(IEnumerable<JsonObject> rollouts)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("NAME", "PHASE", "STEP", "WEIGHT", "STABLE", "CANARY", "MESSAGE");
        foreach (var r in rollouts)
        {
            var s = r["status"];
            // A condition needing attention comes before what the rollout waits for.
            var attention = ClusterRolloutView.NeedingAttention(s).FirstOrDefault();
            var message = attention is null ? Esc((string?)s?["message"] ?? "") : $"[red]{Esc(Attention(attention))}[/]";
            table.AddRow(Esc(RolloutObject.Of(r).Metadata.Name ?? "?"), Phase((string?)s?["phase"]), Esc(Step(s)), Esc(ClusterRolloutView.WeightText(s)),
                RevPods(s, "stable"), RevPods(s, "canary"), message);
        }
        return table;
    }

    public static IRenderable Detail(ClusterRolloutView v)
    {
        var s = v.Status;
        var ns = RolloutObject.Of(v.Rollout).Namespace ?? "";
        var rows = new List<IRenderable>
        {
            new Markup($"[bold]{Esc(v.Name)}[/] in {Esc(ns)}  {Phase((string?)s?["phase"])}  {Esc(Step(s))}  canary weight {Esc(ClusterRolloutView.WeightText(s))}"),
            new Markup($"deployment [bold]{Esc(v.DeploymentName ?? "-")}[/]{(v.Deployment is null && v.DeploymentName is not null ? " [red](not found)[/]" : "")}   " +
                $"stable revision {Rev(s?["stableRevision"])} ({Esc((string?)s?["stableReplicaSet"] ?? "-")})   canary revision {Rev(s?["canaryRevision"])} ({Esc((string?)s?["canaryReplicaSet"] ?? "-")})"),
        };
        foreach (var c in ClusterRolloutView.NeedingAttention(s)) rows.Add(new Markup($"[red]attention:[/] {Esc(Attention(c))}"));
        rows.Add(new Markup(Esc((string?)s?["message"] ?? (s is null ? "no status yet: is `canaria controller` running?" : ""))));
        var sets = new Table().Border(TableBorder.Simple).AddColumns("REVISION", "REPLICASET", "ROLE", "IMAGES", "READY");
        foreach (var rs in v.ReplicaSets())
        {
            sets.AddRow(rs.Revision?.ToString(CultureInfo.InvariantCulture) ?? "-", Esc(rs.Name), rs.Role, Esc(rs.Images), $"{rs.Ready}/{rs.Replicas}");
        }
        rows.Add(sets);
        if (s?["trafficRouting"] is JsonObject routing)
        {
            var routers = new Table().Border(TableBorder.Simple).AddColumns("ROUTER", "VERIFIED", "CANARY WEIGHT", "MATCHES", "MIRROR", "MESSAGE");
            foreach (var r in (routing["routers"] as JsonArray)?.OfType<JsonObject>() ?? [])
            {
                routers.AddRow(Esc((string?)r["router"] ?? "?"), (bool?)r["verified"] == true ? "yes" : "[yellow]no[/]", $"{ClusterRolloutView.Int(r["weight"]) ?? 0}%",
                    $"{ClusterRolloutView.Int(r["matches"]) ?? 0}", $"{ClusterRolloutView.Int(r["mirror"]) ?? 0}%", Esc((string?)r["message"] ?? ""));
            }
            if (routers.Rows.Count > 0) rows.Add(routers);
            if ((string?)routing["message"] is { Length: > 0 } waits) rows.Add(new Markup("traffic: " + Esc(waits)));
        }
        if (s?["conditions"] is JsonArray { Count: > 0 } conditions)
        {
            var table = new Table().Border(TableBorder.Simple).AddColumns("CONDITION", "STATUS", "REASON", "MESSAGE");
            foreach (var c in conditions.OfType<JsonObject>().OrderBy(c => (string?)c["status"] == "True"))
            {
                table.AddRow(Esc((string?)c["type"] ?? ""), Esc((string?)c["status"] ?? ""), Esc((string?)c["reason"] ?? ""), Esc((string?)c["message"] ?? ""));
            }
            rows.Add(table);
        }
        if ((string?)s?["commandApplied"] is { Length: > 0 } applied) rows.Add(new Markup($"last command applied: {Esc(applied)}"));
        return new Rows(rows);
    }

    public static IRenderable History(ClusterRolloutView v)
    {
        var table = new Table().Border(TableBorder.Simple).AddColumns("REVISION", "HASH", "REPLICASET", "IMAGES", "CREATED", "ROLE");
        foreach (var h in ClusterHistory.Of(v))
        {
            table.AddRow(h.Revision.ToString(CultureInfo.InvariantCulture), h.Hash, Esc(h.ReplicaSet ?? "(gone)"), Esc(h.Images ?? "-"),
                h.Created?.ToLocalTime().ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture) ?? "-", h.Role);
        }
        return table;
    }

    /// <summary>"TrafficRouted RouterObjectNotFound: istio: VirtualService nope not found …" — a condition that needs a human.</summary>
    private static string Attention(JsonObject c) => $"{(string?)c["type"]} {(string?)c["reason"]}: {(string?)c["message"]}";

    private static string Step(JsonNode? status) => (string?)status?["step"] is { Length: > 0 } step ? step : "-";

    /// <summary>A revision with its pods as the printer columns show them: "2 (1/2)" is revision 2, 1 of 2 pods ready.</summary>
    private static string RevPods(JsonNode? status, string role) =>
        (string?)status?[role + "Pods"] is { Length: > 0 } pods ? $"{Rev(status?[role + "Revision"])} ({pods})" : Rev(status?[role + "Revision"]);

    private static string Rev(JsonNode? node) => ClusterRolloutView.Int(node)?.ToString(CultureInfo.InvariantCulture) ?? "-";

    private static string Phase(string? phase) => phase switch
    {
        "Healthy" => "[green]Healthy[/]",
        "Aborted" => "[red]Aborted[/]",
        "Invalid" => "[red]Invalid[/]",
        "Paused" => "[yellow]Paused[/]",
        null => "-",
        _ => $"[blue]{Esc(phase)}[/]",
    };

    private static string Esc(string text) => Markup.Escape(text);
}
