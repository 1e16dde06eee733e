namespace Canaria.Local.Dashboard.Series;

/// <summary>
/// A bounded first-in-first-out buffer: once full, each new item replaces the oldest. Its array grows on demand up to
/// the capacity, so a quiet rollout costs almost nothing. Not thread-safe: its owner locks.
/// </summary>
internal sealed class Ring<T>(int capacity)
{
    private T[] _items = new T[Math.Min(capacity, 64)];
    private int _start;

    public int Count { get; private set; }

    public int Capacity => capacity;

    public void Add(T item)
    {
        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = item;
            Count++;
            return;
        }
        if (_items.Length < capacity)
        {
            var grown = new T[Math.Min(capacity, _items.Length * 2)];
            for (var i = 0; i < Count; i++) grown[i] = _items[(_start + i) % _items.Length];
            _items = grown;
            _start = 0;
            _items[Count++] = item;
            return;
        }
        _items[_start] = item; // full: the oldest goes
        _start = (_start + 1) % _items.Length;
    }

    /// <summary>The items from oldest to newest that match <paramref name="keep"/>.</summary>
    public List<T> Where(Func<T, bool> keep)
    {
        var result = new List<T>();
        for (var i = 0; i < Count; i++)
        {
            var item = _items[(_start + i) % _items.Length];
            if (keep(item)) result.Add(item);
        }
        return result;
    }
}
