using Canaria.Kubernetes.Resources;

namespace Canaria.Cli.Cluster.Stat;

/// <summary>
/// The golden signals of a Rollout's stable and canary versions read from Prometheus over one window, or why not: the
/// answer of the first query that failed, or that Prometheus has no request series for them at all.
/// </summary>
internal sealed record StatReading(IReadOnlyList<VersionStat> Versions, PrometheusAnswer? Failure, bool NoSeries)
{
    private static readonly double[] Quantiles = [0.5, 0.95, 0.99];

    /// <summary>The queries for a Rollout's router (spec.trafficRouting) and its stable/canary ReplicaSets, or null with why not.</summary>
    public static DataPlaneQueries? Queries(ClusterRolloutView view, string ns, out string? error)
    {
        var service = (string?)view.Rollout["spec"]?["service"]?["name"] ?? view.DeploymentName ?? view.Name;
        var sets = view.ReplicaSets();
        var stable = sets.FirstOrDefault(s => s.Role == "stable");
        var canary = sets.FirstOrDefault(s => s.Role == "canary");
        var targets = new StatTargets
        {
            Namespace = ns,
            StableService = service,
            CanaryService = service + "-canary",
            StablePodHash = stable?.PodHash,
            CanaryPodHash = canary?.PodHash,
            StableVersionLabel = VersionLabel(view, stable),
            CanaryVersionLabel = VersionLabel(view, canary),
        };
        return DataPlaneQueries.For(view.Rollout["spec"]?["trafficRouting"] as System.Text.Json.Nodes.JsonObject, targets, out error);
    }

    /// <summary>Rate, success and the three percentiles over <paramref name="window"/> (a PromQL duration), one row per version that has a backend.</summary>
    public static async Task<StatReading> ReadAsync(PrometheusClient client, DataPlaneQueries queries, string window, ClusterRolloutView view, CancellationToken ct)
    {
        var total = await client.QueryAsync(queries.Total(window), queries.GroupLabel, ct).ConfigureAwait(false);
        if (total.Values is null) return new StatReading([], total, false);
        if (total.Values.Count == 0) return new StatReading([], null, true);
        var success = await client.QueryAsync(queries.Success(window), queries.GroupLabel, ct).ConfigureAwait(false);
        if (success.Values is null) return new StatReading([], success, false);
        var percentiles = new List<IReadOnlyDictionary<string, double>>();
        foreach (var q in Quantiles)
        {
            var got = await client.QueryAsync(queries.Quantile(q, window), queries.GroupLabel, ct).ConfigureAwait(false);
            if (got.Values is null) return new StatReading([], got, false);
            percentiles.Add(got.Values);
        }

        var versions = new List<VersionStat>();
        void Add(string role, string? backend, int? revision)
        {
            if (backend is null) return;
            double? rps = total.Values.TryGetValue(backend, out var t) ? t : null;
            double? ok = success.Values.TryGetValue(backend, out var s) ? s : rps is null ? null : 0;
            double? Ms(int i) => percentiles[i].TryGetValue(backend, out var v) && double.IsFinite(v) ? v * queries.ToMilliseconds : null;
            versions.Add(new VersionStat(role, revision, backend, rps is > 0 ? ok / rps : null, rps, Ms(0), Ms(1), Ms(2)));
        }
        Add("stable", queries.Stable, view.StableRevision);
        Add("canary", queries.Canary, view.CanaryRevision);
        return new StatReading(versions, null, false);
    }

    /// <summary>The `version` label Istio reports as destination_version (app.kubernetes.io/version as the fallback), of a ReplicaSet's pod template.</summary>
    private static string? VersionLabel(ClusterRolloutView view, ReplicaSetRow? row)
    {
        var meta = view.Deployment?.ReplicaSets.FirstOrDefault(rs => rs.Name == row?.Name)?.Object.Spec?.Template?.Metadata;
        return meta.Label("version") ?? meta.Label("app.kubernetes.io/version");
    }
}
