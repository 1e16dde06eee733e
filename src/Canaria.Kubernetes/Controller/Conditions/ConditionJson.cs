using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;

namespace Canaria.Kubernetes.Controller.Conditions;

/// <summary>
/// status.conditions as JSON, and the events a change of them deserves. lastTransitionTime moves only when a condition's
/// status changes. A condition that turns False (or, while False, changes its reason, or its message unless the reason is one
/// of <see cref="RolloutCondition.Progress"/>) is one Warning event; one
/// that turns True again is one Normal event saying so; nothing else is an event, so a state that lasts over many reconciles
/// is announced once.
/// </summary>
internal static class ConditionJson
{
    public static JsonArray Of(JsonNode? previous, IEnumerable<RolloutCondition> conditions, DateTimeOffset now)
    {
        var array = new JsonArray();
        foreach (var c in conditions.OrderBy(c => Rank(c.Type)))
        {
            var old = Find(previous, c.Type);
            var since = old is not null && (string?)old["status"] == c.Status
                ? (string?)old["lastTransitionTime"]
                : now.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
            array.Add(new JsonObject
            {
                ["type"] = c.Type,
                ["status"] = c.Status,
                ["reason"] = c.Reason,
                ["message"] = c.Message,
                ["lastTransitionTime"] = since,
            });
        }
        return array;
    }

    /// <summary>The events that going from <paramref name="previous"/> to <paramref name="next"/> deserves (see the type's summary).</summary>
    public static IReadOnlyList<RolloutEvent> Changes(JsonNode? previous, JsonNode? next, DateTimeOffset now)
    {
        var events = new List<RolloutEvent>();
        foreach (var c in (next as JsonArray)?.OfType<JsonObject>() ?? [])
        {
            var (type, status, reason, message) = Read(c);
            var old = Find(previous, type);
            var (_, oldStatus, oldReason, oldMessage) = old is null ? default : Read(old);
            if (status == "False")
            {
                if (oldStatus == "False" && oldReason == reason && (oldMessage == message || RolloutCondition.Progress.Contains(reason))) continue;
                if (RolloutCondition.EngineAnnounced.Contains(reason)) continue;
                events.Add(new RolloutEvent(now, EventType.Warning, reason, $"{type}: {message}"));
            }
            else if (status == "True" && oldStatus == "False" && !RolloutCondition.EngineAnnounced.Contains(oldReason))
            {
                events.Add(new RolloutEvent(now, EventType.Normal, reason, $"{type} again: {message} (was {oldReason}: {oldMessage})"));
            }
        }
        return events;
    }

    private static JsonObject? Find(JsonNode? conditions, string type) =>
        (conditions as JsonArray)?.OfType<JsonObject>().FirstOrDefault(c => (string?)c["type"] == type);

    private static (string Type, string? Status, string Reason, string? Message) Read(JsonObject c) =>
        ((string?)c["type"] ?? "", (string?)c["status"], (string?)c["reason"] ?? "", (string?)c["message"]);

    private static int Rank(string type)
    {
        var i = RolloutCondition.Order.ToList().IndexOf(type);
        return i < 0 ? int.MaxValue : i;
    }
}
