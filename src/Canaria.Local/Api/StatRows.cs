using Canaria.Gateway.Metrics;
using Canaria.Local.Controller;
using Canaria.Local.Gateway;

namespace Canaria.Local.Api;

/// <summary>
/// The rows of `canaria stat` (as `linkerd viz stat ts` shows a TrafficSplit): every version with its applied weight,
/// the mirror target with its own signals (the gateway counts mirrored requests apart, so they never mix into the
/// canary's served requests), and what the gateway answered itself on the rollout's listener.
/// </summary>
internal static class StatRows
{
    /// <summary>The role of the row that counts the copies of the stable's requests sent to a version.</summary>
    public const string MirrorRole = "mirror";

    /// <summary>How the gateway names the signals of mirrored requests to a version.</summary>
    public static string MirrorVersion(string version) => version + "/mirror";

    public static IReadOnlyList<StatRow> Of(RolloutView view, string rollout, IReadOnlyList<SignalsRow> signals)
    {
        var service = view.Service ?? "";
        SignalsRow Row(string svc, string version) =>
            signals.FirstOrDefault(s => s.Service == svc && s.Version == version) ?? new SignalsRow(svc, version, 0, 0, 0, null, null, null, 0);

        var rows = new List<StatRow>();
        foreach (var v in view.Versions)
        {
            rows.Add(ToRow(Row(service, v.Version), v.Role, v.Weight, v.WeightText));
            var mirrorPercent = view.AppliedTraffic is { } t && t.CanaryRevision == v.Revision ? t.MirrorPercent : 0;
            var mirrored = Row(service, MirrorVersion(v.Version));
            if (mirrorPercent > 0 || mirrored.Requests > 0 || mirrored.ClientErrors > 0)
                rows.Add(ToRow(mirrored, MirrorRole, mirrorPercent, $"mirror {mirrorPercent}%"));
        }

        // What the gateway answered itself on this rollout's listener (named after it): only shown once it happened.
        foreach (var own in new[] { Row(service, GoldenSignals.UnroutedVersion), Row(rollout, GoldenSignals.NoRouteVersion) })
            if (own.Requests > 0 || own.ClientErrors > 0) rows.Add(ToRow(own, "gateway", 0, "-"));
        return rows;
    }

    private static StatRow ToRow(SignalsRow s, string role, int weight, string weightText) =>
        new(s.Version, s.Requests, s.Failures, s.SuccessRate, s.Rps, s.P50Ms, s.P95Ms, s.P99Ms, s.ClientErrors)
        {
            Role = role,
            Weight = weight,
            WeightText = weightText,
        };
}
