using System.Text.Json.Nodes;
using Canaria.Core.Model;

namespace Canaria.Kubernetes.Routing;

/// <summary>
/// How one HTTP route's destinations divide between stable and canary. Host mode: the stable Service's host against the
/// canary Service's host. Subset mode (a DestinationRule): the stable Service's host with the stable subset (or none)
/// against the same host with the canary subset.
/// </summary>
internal sealed record IstioSplit(IstioHosts Stable, string CanaryService, IstioDestinationRule? Subsets)
{
    private IstioHosts CanaryHosts { get; } = Stable with { Service = CanaryService };

    public bool SendsToStable(JsonArray? route) => Entries(route).Any(e => Classify(e) == EntryKind.Stable);

    /// <summary>
    /// The route's destinations for <paramref name="weight"/>% to the canary, built from the route's original destinations.
    /// At 0% the canary destination is left out (the original is kept as written when it sends nothing to the canary).
    /// </summary>
    public (JsonArray? Route, string? Error) Weighted(JsonArray? original, int weight, string routeLabel)
    {
        var (stable, error) = StableEntry(original, routeLabel);
        if (stable is null) return (null, error);
        var entries = Entries(original).ToList();
        if (weight == 0 && entries.Count == 1 && (Subsets is null || Subset(stable) == Subsets.StableSubset))
            return ((JsonArray)original!.DeepClone(), null);
        var stableEntry = StableDestination(stable);
        if (weight == 0) return (new JsonArray(stableEntry), null);
        stableEntry["weight"] = 100 - weight;
        var canaryEntry = CanaryDestination(stable);
        canaryEntry["weight"] = weight;
        return (new JsonArray(stableEntry, canaryEntry), null);
    }

    /// <summary>The one stable destination of a route that sends only to stable (and canary); an error naming anything else.</summary>
    public (JsonObject? Entry, string? Error) StableEntry(JsonArray? original, string routeLabel)
    {
        var entries = Entries(original).ToList();
        if (entries.FirstOrDefault(e => Classify(e) == EntryKind.Other) is { } other)
            return (null, $"{routeLabel} also sends to {Describe(other)}; Canaria splits only routes whose destinations are all the stable Service {Stable.Describe()}");
        var stable = entries.Where(e => Classify(e) == EntryKind.Stable).ToList();
        return stable.Count switch
        {
            1 => (stable[0], null),
            0 => (null, $"{routeLabel} does not send to the stable Service {Stable.Describe()}{SubsetNote()}"),
            _ => (null, $"{routeLabel} has {stable.Count} destinations for the stable Service; Canaria splits a route with one"),
        };
    }

    /// <summary>The stable destination as Canaria writes it: without weight, and with the stable subset in subset mode.</summary>
    public JsonObject StableDestination(JsonObject stable)
    {
        var entry = (JsonObject)stable.DeepClone();
        entry.Remove("weight");
        if (Subsets is not null) ((JsonObject)entry["destination"]!)["subset"] = Subsets.StableSubset;
        return entry;
    }

    /// <summary>The canary twin of a stable destination: the canary Service's host in the same form, or the canary subset.</summary>
    public JsonObject CanaryDestination(JsonObject stable)
    {
        var entry = StableDestination(stable);
        var destination = (JsonObject)entry["destination"]!;
        if (Subsets is not null) destination["subset"] = Subsets.CanarySubset;
        else destination["host"] = IstioHosts.SameForm((string)destination["host"]!, CanaryService);
        return entry;
    }

    /// <summary>The canary's share of a route as written: the sum of its canary destinations' weights (a lone destination has 100).</summary>
    public int ObservedWeight(JsonArray? route)
    {
        var entries = Entries(route).ToList();
        if (entries.Count == 1) return IsCanary(entries[0]) ? 100 : 0;
        return entries.Where(IsCanary).Sum(e => e["weight"] is JsonValue v && v.TryGetValue<int>(out var w) ? w : 0);
    }

    /// <summary>True when <paramref name="destination"/> (a Destination, not a route entry) is the canary.</summary>
    public bool IsCanaryDestination(JsonNode? destination) =>
        destination is JsonObject d && Classify(new JsonObject { ["destination"] = d.DeepClone() }) == EntryKind.Canary;

    private bool IsCanary(JsonObject entry) => Classify(entry) == EntryKind.Canary;

    private EntryKind Classify(JsonObject entry)
    {
        var host = (string?)entry["destination"]?["host"];
        if (Subsets is null)
            return Stable.Matches(host) ? EntryKind.Stable : CanaryHosts.Matches(host) ? EntryKind.Canary : EntryKind.Other;
        if (!Stable.Matches(host)) return EntryKind.Other;
        var subset = Subset(entry);
        return subset is null || subset == Subsets.StableSubset ? EntryKind.Stable
            : subset == Subsets.CanarySubset ? EntryKind.Canary
            : EntryKind.Other;
    }

    private static string? Subset(JsonObject entry) => (string?)entry["destination"]?["subset"];

    private static string Describe(JsonObject entry) =>
        (string?)entry["destination"]?["host"] + (Subset(entry) is { } s ? $" (subset {s})" : "");

    private string SubsetNote() => Subsets is null ? "" : $" with subset '{Subsets.StableSubset}' (or none)";

    private static IEnumerable<JsonObject> Entries(JsonArray? route) => route?.OfType<JsonObject>() ?? [];

    private enum EntryKind
    {
        Stable,
        Canary,
        Other,
    }
}
