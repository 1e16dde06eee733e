using System.Collections.Concurrent;

namespace Canaria.Gateway.Metrics;

/// <summary>Marks by key; one per group (a new mark of a group replaces the old one), and a bounded number in all.</summary>
internal sealed class GatewayMarks(GoldenSignals signals, string instance)
{
    public const int MaxMarks = 4096;
    private readonly ConcurrentDictionary<string, GatewayMark> _byGroup = new(StringComparer.Ordinal);

    public IReadOnlyList<GatewayMark> All => [.. _byGroup.Values.OrderBy(m => m.Group, StringComparer.Ordinal)];

    /// <summary>Records the current totals of <paramref name="versions"/>; an existing mark with the same key is kept as it is.</summary>
    public GatewayMark? Set(string key, string group, string service, IReadOnlyList<string> versions)
    {
        if (_byGroup.TryGetValue(group, out var existing) && existing.Key == key) return existing;
        if (!_byGroup.ContainsKey(group) && _byGroup.Count >= MaxMarks) return null;
        var totals = versions.Select(v => signals.Totals(service, v)).ToList();
        var mark = new GatewayMark(key, group, signals.Time.GetUtcNow(), totals) { Instance = instance };
        _byGroup[group] = mark;
        return mark;
    }

    public void Remove(string group) => _byGroup.TryRemove(group, out _);
}
