using System.Diagnostics;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// HPACK's dynamic table (RFC 7541 §2.3.2, §4), the same structure on the decoding and the encoding side. Entries are
/// copied into one byte buffer, appended in order and evicted from the oldest, so the live bytes are always one
/// contiguous run; when the run reaches the buffer's end it is moved to the start. The buffer and the ring of entries
/// start empty and double when the live entries need it, up to twice the largest capacity (bytes) and one slot per
/// 32 bytes of it (entries): a connection pays for what its peer stores (a gRPC connection's table is a few hundred
/// bytes, not 2 × 4096), and once the table has reached its working size nothing more is allocated.
/// </summary>
internal sealed class HpackDynamicTable
{
    /// <summary>Per-entry overhead counted in the table size (RFC 7541 §4.1).</summary>
    public const int EntryOverhead = 32;

    private byte[] _bytes = [];
    private Entry[] _entries = []; // a ring: oldest at _oldest, newest at _oldest + _count - 1
    private int _oldest;
    private int _count;
    private int _end; // first free byte in _bytes

    public HpackDynamicTable(int maxCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxCapacity);
        MaxCapacity = maxCapacity;
        Capacity = maxCapacity;
    }

    /// <summary>The largest capacity <see cref="SetCapacity"/> accepts.</summary>
    public int MaxCapacity { get; }

    /// <summary>The current maximum table size.</summary>
    public int Capacity { get; private set; }

    /// <summary>Sum over entries of name + value + 32.</summary>
    public int Size { get; private set; }

    /// <summary>Number of entries.</summary>
    public int Count => _count;

    /// <summary>Name of entry <paramref name="index"/>: 1 is the newest, <see cref="Count"/> the oldest.</summary>
    public ReadOnlySpan<byte> Name(int index)
    {
        ref readonly var e = ref At(index);
        return _bytes.AsSpan(e.Start, e.NameLength);
    }

    /// <summary>Value of entry <paramref name="index"/>: 1 is the newest, <see cref="Count"/> the oldest.</summary>
    public ReadOnlySpan<byte> Value(int index)
    {
        ref readonly var e = ref At(index);
        return _bytes.AsSpan(e.Start + e.NameLength, e.ValueLength);
    }

    /// <summary>True if <paramref name="span"/> lies in this table's storage (it may move or vanish on the next insert).</summary>
    public bool Holds(ReadOnlySpan<byte> span) => span.Overlaps(_bytes);

    /// <summary>Changes the maximum size (0..<see cref="MaxCapacity"/>), evicting the oldest entries until they fit.</summary>
    public void SetCapacity(int capacity)
    {
        Debug.Assert(capacity >= 0 && capacity <= MaxCapacity);
        Capacity = capacity;
        EvictUntil(capacity);
    }

    /// <summary>Empties the table, as inserting a field larger than the capacity does.</summary>
    public void Clear() => EvictUntil(0);

    /// <summary>
    /// Inserts a field as the newest entry, evicting the oldest to make room; a field larger than the capacity empties the
    /// table and is not inserted (RFC 7541 §4.4). <paramref name="name"/> and <paramref name="value"/> must not lie in this table.
    /// </summary>
    public void Add(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value)
    {
        Debug.Assert(!Holds(name) && !Holds(value));
        var size = name.Length + value.Length + EntryOverhead;
        if (size > Capacity)
        {
            EvictUntil(0);
            return;
        }

        EvictUntil(Capacity - size);
        var length = name.Length + value.Length;
        if (_end + length > _bytes.Length)
        {
            MakeRoom(length);
        }

        if (_count == _entries.Length)
        {
            GrowEntries();
        }

        name.CopyTo(_bytes.AsSpan(_end));
        value.CopyTo(_bytes.AsSpan(_end + name.Length));
        _entries[(_oldest + _count) % _entries.Length] = new Entry(_end, name.Length, value.Length);
        _count++;
        _end += length;
        Size += size;
    }

    /// <summary>
    /// Looks for <paramref name="name"/> and <paramref name="value"/>, newest first: returns the index of an entry holding
    /// both, or 0; <paramref name="nameIndex"/> is the newest entry with that name, or 0.
    /// </summary>
    public int Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, out int nameIndex)
    {
        nameIndex = 0;
        for (var index = 1; index <= _count; index++)
        {
            ref readonly var e = ref At(index);
            if (e.NameLength != name.Length || !_bytes.AsSpan(e.Start, e.NameLength).SequenceEqual(name))
            {
                continue;
            }

            if (nameIndex == 0)
            {
                nameIndex = index;
            }

            if (e.ValueLength == value.Length && _bytes.AsSpan(e.Start + e.NameLength, e.ValueLength).SequenceEqual(value))
            {
                return index;
            }
        }

        return 0;
    }

    private ref readonly Entry At(int index)
    {
        Debug.Assert(index >= 1 && index <= _count);
        return ref _entries[(_oldest + _count - index) % _entries.Length];
    }

    private void EvictUntil(int size)
    {
        while (Size > size)
        {
            ref readonly var e = ref _entries[_oldest];
            Size -= e.NameLength + e.ValueLength + EntryOverhead;
            _oldest = (_oldest + 1) % _entries.Length;
            _count--;
        }

        if (_count == 0)
        {
            _oldest = 0;
            _end = 0;
        }
    }

    // Moves the live run to the buffer's start, and doubles the buffer if the new entry still does not fit. Live bytes
    // plus the new entry are at most Capacity, so the buffer never needs more than 2 × MaxCapacity (the doubling's slack).
    private void MakeRoom(int length)
    {
        if (_count > 0)
        {
            var start = _entries[_oldest].Start;
            _bytes.AsSpan(start, _end - start).CopyTo(_bytes);
            for (var i = 0; i < _count; i++)
            {
                ref var e = ref _entries[(_oldest + i) % _entries.Length];
                e = e with { Start = e.Start - start };
            }

            _end -= start;
        }

        if (_end + length > _bytes.Length)
        {
            var grown = new byte[Math.Min(2 * MaxCapacity, Math.Max(2 * _bytes.Length, Math.Max(_end + length, 256)))];
            _bytes.AsSpan(0, _end).CopyTo(grown);
            _bytes = grown;
        }
    }

    // The ring is full: double it (up to one slot per 32 bytes of MaxCapacity), oldest entry first.
    private void GrowEntries()
    {
        var grown = new Entry[Math.Min((MaxCapacity / EntryOverhead) + 1, Math.Max(2 * _entries.Length, 8))];
        for (var i = 0; i < _count; i++)
        {
            grown[i] = _entries[(_oldest + i) % _entries.Length];
        }

        _entries = grown;
        _oldest = 0;
    }

    private readonly record struct Entry(int Start, int NameLength, int ValueLength);
}
