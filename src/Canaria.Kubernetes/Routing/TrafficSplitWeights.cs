using System.Text.Json.Nodes;

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

    /// <summary>
    /// The canary's share in whole percent, rounded to the nearest (half away from zero), except that a canary with any
    /// weight never reads as 0% and a stable with any weight never reads as 100% (1/1000 is 1%, 999/1000 is 99%):
    /// "no traffic" and "all traffic" are claims a rollout relies on. No weight at all reads as 0%.
    /// </summary>
    public int CanaryPercent
    {
        get
        {
            if (Total <= 0) return 0;
            var percent = (int)Math.Round(100m * Canary / Total, MidpointRounding.AwayFromZero);
            if (Canary > 0 && percent == 0) return 1;
            if (Canary < Total && percent == 100) return 99;
            return percent;
        }
    }

    /// <summary>True when the split sends exactly <paramref name="percent"/>% to the canary and the rest to stable (ratio compared exactly, not rounded).</summary>
    public bool Carries(int percent) =>
        Error is null && Others == 0 && HasStableBackend && Total > 0 && Canary * 100 == percent * Total;

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
