namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// The fields of one decoded header block, copied into one reused byte store (bounded by the decoder's header list
/// limit), so a block can be inspected and re-encoded toward the other peer after the decoder's spans are gone.
/// </summary>
internal sealed class HeaderList : IHpackHeaderSink
{
    private byte[] _store = new byte[1024];
    private (int NameStart, int NameLength, int ValueStart, int ValueLength, bool NeverIndexed)[] _fields = new (int, int, int, int, bool)[16];
    private int _used;

    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        _used = 0;
    }

    public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed)
    {
        if (_used + name.Length + value.Length > _store.Length)
        {
            Array.Resize(ref _store, Math.Max(_store.Length * 2, _used + name.Length + value.Length));
        }

        if (Count == _fields.Length) Array.Resize(ref _fields, Count * 2);
        name.CopyTo(_store.AsSpan(_used));
        value.CopyTo(_store.AsSpan(_used + name.Length));
        _fields[Count++] = (_used, name.Length, _used + name.Length, value.Length, neverIndexed);
        _used += name.Length + value.Length;
    }

    public ReadOnlySpan<byte> Name(int index) => _store.AsSpan(_fields[index].NameStart, _fields[index].NameLength);

    public ReadOnlySpan<byte> Value(int index) => _store.AsSpan(_fields[index].ValueStart, _fields[index].ValueLength);

    /// <summary>The field came never-indexed (RFC 7541 §6.2.3): it must be sent on never-indexed too.</summary>
    public bool NeverIndexed(int index) => _fields[index].NeverIndexed;

    /// <summary>The index of the first field named <paramref name="name"/>, or -1.</summary>
    public int Find(ReadOnlySpan<byte> name)
    {
        for (var i = 0; i < Count; i++)
        {
            if (Name(i).SequenceEqual(name)) return i;
        }

        return -1;
    }

    /// <summary>Copies all fields of <paramref name="other"/> into this (emptied) list.</summary>
    public void CopyFrom(HeaderList other)
    {
        Clear();
        for (var i = 0; i < other.Count; i++) OnHeader(other.Name(i), other.Value(i), other.NeverIndexed(i));
    }
}
