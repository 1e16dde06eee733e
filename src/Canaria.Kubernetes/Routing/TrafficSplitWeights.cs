using System.Text.Json.Nodes;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// A TrafficSplit's backend weights as the SMI router sees them: the sum for the stable Service, for the canary Service,
/// and for any other Service. Weights are relative (seed 003: 500/500, 250/750, 0/1), so the canary's share is
/// canary / (sum of all weights).
/// </summary>
internal sealed record TrafficSplitWeights
{
    public long Stable { get; init; }
    public long Canary { get; init; }
    public bool HasStableBackend { get; init; }

    /// <summary>Sum of the weights of backends that are neither stable nor canary.</summary>
    public long Others { get; init; }

    /// <summary>The first other backend with a weight above 0 (named in errors).</summary>
    public string? OtherService { get; init; }

    /// <summary>Why the backends could not be read (a backend without a service, a weight that is not a whole number ≥ 0).</summary>
    public string? Error { get; init; }

    public long Total => Stable + Canary + Others;

    /// <summary>The canary's share in whole percent, rounded as <see cref="SplitWeights.CanaryPercent"/> is.</summary>
    public int CanaryPercent => SplitWeights.RoundedPercent(Canary, Total);

    /// <summary>
    /// True when the split carries the target: written weights exactly as written (250/750 stays 250/750), a percentage
    /// as any backends of that ratio (90/10 or 900/100 for 10%).
    /// </summary>
    public bool Carries(RouteTarget target) =>
        Error is null && Others == 0 && HasStableBackend && Total > 0
        && (target.Weights is { } w ? Stable == w.Stable && Canary == w.Canary : Canary * 100 == target.CanaryWeight * Total);

    public static TrafficSplitWeights Read(JsonObject split, string stable, string canary)
    {
        long s = 0, c = 0, others = 0;
        var hasStable = false;
        string? other = null;
        foreach (var node in split["spec"]?["backends"] as JsonArray ?? [])
        {
            var service = (string?)node?["service"];
            if (string.IsNullOrEmpty(service)) return new TrafficSplitWeights { Error = "a backend has no service" };
            if (WholeNumber(node!["weight"]) is not { } weight || weight < 0)
                return new TrafficSplitWeights { Error = $"the weight of backend {service} is not a whole number ≥ 0" };
            if (service == stable)
            {
                s += weight;
                hasStable = true;
            }
            else if (service == canary)
            {
                c += weight;
            }
            else
            {
                others += weight;
                if (weight > 0) other ??= service;
            }
        }
        return new TrafficSplitWeights { Stable = s, Canary = c, Others = others, OtherService = other, HasStableBackend = hasStable };
    }

    private static long? WholeNumber(JsonNode? node) => node switch
    {
        JsonValue v when v.TryGetValue<long>(out var l) => l,
        JsonValue v when v.TryGetValue<int>(out var i) => i,
        _ => null,
    };
}
