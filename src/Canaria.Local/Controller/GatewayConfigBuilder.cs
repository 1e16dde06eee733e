using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Gateway.Config;

namespace Canaria.Local.Controller;

/// <summary>
/// Turns the decided traffic of every rollout into one gateway config. A version without a ready
/// endpoint gets no weight and no rules, so traffic never reaches a version that is not ready;
/// the split the gateway will really serve is returned next to the config.
/// </summary>
internal static class GatewayConfigBuilder
{
    public static (GatewayConfig Config, Dictionary<string, TrafficTarget> Effective) Build(
        IEnumerable<ManagedRollout> rollouts, LocalWorkload workload)
    {
        var listeners = new List<ListenerConfig>();
        var services = new List<ServiceConfig>();
        var effective = new Dictionary<string, TrafficTarget>(StringComparer.Ordinal);
        string? versionHeader = null;

        foreach (var r in rollouts.OrderBy(r => r.Name, StringComparer.Ordinal))
        {
            if (r.Spec.Service is not { } service || r.DesiredTraffic is not { } target) continue;
            versionHeader ??= service.VersionHeader;
            listeners.Add(ServiceProtocols.Listener(r.Name, service));
            var upstream = ServiceProtocols.Upstream(service);

            var stableEndpoints = workload.ReadyEndpoints(r, target.StableRevision);
            var canaryEndpoints = target.CanaryRevision is { } c ? workload.ReadyEndpoints(r, c) : [];
            var canaryLive = target.CanaryRevision is not null && canaryEndpoints.Count > 0;
            // The gateway takes relative weights: written weights go in unchanged (1/2 is exactly a third, not 33%); a
            // replica-ratio split weighs each version by its ready replicas, rebuilt whenever readiness changes.
            var split = target.ReplicaRatio ? new SplitWeights(stableEndpoints.Count, canaryEndpoints.Count)
                : canaryLive ? target.Split : SplitWeights.FromPercent(0);
            var canaryWeight = target.ReplicaRatio ? split.CanaryPercent : canaryLive ? target.CanaryWeight : 0;

            var stableName = RevisionNames.Version(r, target.StableRevision);
            var versions = new List<VersionConfig>
            {
                new() { Name = stableName, Weight = split.Stable, Endpoints = stableEndpoints, Protocol = upstream },
            };
            var rules = new List<RuleConfig>();
            MirrorConfig? mirror = null;
            if (target.CanaryRevision is { } canary)
            {
                var canaryName = RevisionNames.Version(r, canary);
                if (canaryLive && target.MirrorPercent > 0) mirror = new MirrorConfig { Version = canaryName, Percent = target.MirrorPercent };
                versions.Add(new VersionConfig { Name = canaryName, Weight = split.Canary, Endpoints = canaryEndpoints, Protocol = upstream });
                if (canaryLive)
                    rules.AddRange(target.Matches.Select((m, i) => ToRule(m, i, canaryName)));
            }

            services.Add(new ServiceConfig
            {
                Name = service.Name,
                Listener = r.Name,
                Hosts = service.Hosts,
                PathPrefix = service.PathPrefix,
                Versions = versions,
                Rules = rules,
                Mirror = mirror,
                Sticky = service.Sticky ? new StickyConfig { Enabled = true, CookieName = $"canaria-{service.Name}" } : null,
                Grpc = ServiceProtocols.Grpc(service),
            });
            effective[r.Name] = target with
            {
                CanaryWeight = canaryWeight,
                Weights = target.ReplicaRatio ? split : canaryLive ? target.Weights : null,
                Matches = canaryLive ? target.Matches : [],
                MirrorPercent = canaryLive ? target.MirrorPercent : 0,
            };
        }

        var config = new GatewayConfig { Listeners = listeners, Services = services, VersionHeader = versionHeader ?? "x-canaria-version" };
        return (config, effective);
    }

    private static RuleConfig ToRule(MatchSpec match, int index, string version)
    {
        var matcher = new StringMatchConfig
        {
            Name = match.Name,
            Exact = match.Operator == MatchOperator.Exact ? match.Value : null,
            Prefix = match.Operator == MatchOperator.Prefix ? match.Value : null,
            Regex = match.Operator == MatchOperator.Regex ? match.Value : null,
        };
        return new RuleConfig
        {
            Name = $"match-{index + 1}",
            Version = version,
            Headers = match.Kind == MatchKind.Header ? [matcher] : [],
            Cookies = match.Kind == MatchKind.Cookie ? [matcher] : [],
            Query = match.Kind == MatchKind.Query ? [matcher] : [],
        };
    }
}
