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

    /// <summary>The last split all routers verified; null before the first verified apply.</summary>
    public TrafficTarget? Applied { get; init; }

    public IReadOnlyList<RouterState> Routers { get; init; } = [];

    /// <summary>True once every router restored the user's objects after a finished release (cleared when the next starts).</summary>
    public bool Restored { get; init; }

    /// <summary>When the verified split last changed; pods it stopped sending to are kept a while after (proxies apply config late).</summary>
    public DateTimeOffset? ChangedAt { get; init; }

    /// <summary>Why the split waits (a Service without ready endpoints, a router error); null when nothing waits.</summary>
    public string? Message { get; init; }

    public static RoutingStatus Of(JsonObject rollout)
    {
        if (rollout["status"]?[Field] is not JsonObject node) return new RoutingStatus();
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
            (int?)r["mirror"] ?? 0, (string?)r["message"])).ToList() ?? [];
        DateTimeOffset? changedAt = DateTimeOffset.TryParse((string?)node["changedAt"], System.Globalization.CultureInfo.InvariantCulture,
            System.Globalization.DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new RoutingStatus
        {
            Applied = applied, Routers = routers, Restored = (bool?)node["restored"] ?? false, Message = (string?)node["message"], ChangedAt = changedAt,
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
        }).ToArray()),
        ["restored"] = Restored,
        ["changedAt"] = ChangedAt?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", System.Globalization.CultureInfo.InvariantCulture),
        ["message"] = Message,
    };
}
