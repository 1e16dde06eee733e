namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Which cached objects refer to a name (a Rollout to its Deployment and Services, a ReplicaSet to its owning
/// Deployment), kept up to date from informer events, so an event finds the objects it concerns in O(1) instead of
/// scanning every cached object. Thread-safe: informers write it, workers read it.
/// </summary>
internal sealed class ReverseIndex
{
    private readonly Dictionary<string, string[]> _refsOf = new(StringComparer.Ordinal);
    private readonly Dictionary<string, HashSet<string>> _itemsOf = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Records that <paramref name="item"/> now refers to exactly <paramref name="refs"/> (replacing what it referred to before).</summary>
    public void Set(string item, params string[] refs)
    {
        lock (_lock)
        {
            RemoveLocked(item);
            if (refs.Length == 0) return;
            _refsOf[item] = refs;
            foreach (var r in refs)
            {
                if (!_itemsOf.TryGetValue(r, out var items)) _itemsOf[r] = items = new HashSet<string>(StringComparer.Ordinal);
                items.Add(item);
            }
        }
    }

    public void Remove(string item)
    {
        lock (_lock) RemoveLocked(item);
    }

    /// <summary>The items that refer to <paramref name="reference"/> (a copy).</summary>
    public string[] Lookup(string reference)
    {
        lock (_lock) return _itemsOf.TryGetValue(reference, out var items) ? [.. items] : [];
    }

    private void RemoveLocked(string item)
    {
        if (!_refsOf.Remove(item, out var old)) return;
        foreach (var r in old)
        {
            if (_itemsOf.TryGetValue(r, out var items) && items.Remove(item) && items.Count == 0) _itemsOf.Remove(r);
        }
    }
}
