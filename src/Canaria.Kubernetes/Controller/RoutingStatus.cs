using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Core.Serialization;
using Canaria.Kubernetes.Routing;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// status.trafficRouting: the split every router verified by reading it back (what the engine sees as applied), each
/// router's read-back state, and whether the user's objects were handed back after the last release.
/// </summary>
internal sealed record RoutingStatus
{
    public const string Field = "trafficRouting";

    // Reasons (status.trafficRouting.reason, and the TrafficRouted condition's) for a split that waits or fails.
    public const string WaitingForEndpoints = "WaitingForEndpoints";
    public const string WaitingForPods = "WaitingForPods";
    public const string ServiceNotFound = "ServiceNotFound";
    public const string ServiceError = "ServiceError";
    public const string RouterError = "RouterError";
    public const string SplitNotVerified = "SplitNotVerified";

    /// <summary>The last split all routers verified; null before the first verified apply.</summary>
    public TrafficTarget? Applied { get; init; }

    public IReadOnlyList<RouterState> Routers { get; init; } = [];

    /// <summary>True once every router restored the user's objects after a finished release (cleared when the next starts).</summary>
    public bool Restored { get; init; }

    /// <summary>When the verified split last changed; pods it stopped sending to are kept a while after (proxies apply config late).</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>Why the split waits (a Service without ready endpoints, a router error); null when nothing waits.</summary>
    public string? Message { get; init; }

    /// <summary>One word for <see cref="Message"/> (one of the constants above); null when nothing waits.</summary>
    public string? Reason { get; init; }

    /// <summary>The last edit of a router's object that Canaria found and wrote back, while the verified split stays the same.</summary>
    public string? Drift { get; init; }

    /// <summary>The same routing with a wait or failure: its reason and message.</summary>
    public RoutingStatus Waiting(string reason, string message) => this with { Reason = reason, Message = message };

    public static RoutingStatus Of(JsonObject rollout) => FromNode(rollout["status"]?[Field]);

    public static RoutingStatus FromNode(JsonNode? status)
    {
        if (status is not JsonObject node) return new RoutingStatus();
        TrafficTarget? applied = null;
        try
        {
            applied = node["applied"]?.Deserialize<TrafficTarget>(CoreJson.Options);
        }
        catch (JsonException)
        {
            applied = null; // unreadable: the next verified apply writes it again
        }
        var routers = (node["routers"] as JsonArray)?.OfType<JsonObject>().Select(r => new RouterState(
            (string?)r["router"] ?? "", (bool?)r["verified"] ?? false, (int?)r["weight"] ?? 0, (int?)r["matches"] ?? 0,
            (int?)r["mirror"] ?? 0, (string?)r["message"]) { Missing = (bool?)r["missing"] ?? false, Drift = (string?)r["drift"] }).ToList() ?? [];
        DateTimeOffset? changedAt = DateTimeOffset.TryParse((string?)node["changedAt"], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new RoutingStatus
        {
            Applied = applied, Routers = routers, Restored = (bool?)node["restored"] ?? false, Message = (string?)node["message"], ChangedAt = changedAt,
            Reason = (string?)node["reason"], Drift = (string?)node["drift"],
        };
    }

    public JsonObject ToJson() => new()
    {
        ["applied"] = Applied is null ? null : JsonSerializer.SerializeToNode(Applied, CoreJson.Options),
        ["routers"] = new JsonArray(Routers.Select(r => (JsonNode)new JsonObject
        {
            ["router"] = r.Router,
            ["verified"] = r.Verified,
            ["weight"] = r.CanaryWeight,
            ["matches"] = r.Matches,
            ["mirror"] = r.MirrorPercent,
            ["message"] = r.Message,
            ["missing"] = r.Missing ? true : null,
            ["drift"] = r.Drift,
        }).ToArray()),
        ["restored"] = Restored,
        ["changedAt"] = ChangedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        ["message"] = Message,
        ["reason"] = Reason,
        ["drift"] = Drift,
    };
}
