namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// Decodes HPACK header blocks (RFC 7541) from one peer: one instance per connection and direction. Bytes from the peer are
/// hostile: every index, length and integer is checked against the block and the limits before it is used, so any input
/// ends in fields or an <see cref="HpackError"/>, never an exception, and memory stays bounded by the limits given here
/// (the dynamic table, grown to what the peer stores and at most 2 × maxTableSize, and a scratch buffer for Huffman
/// output of at most max(maxHeaderListSize, maxTableSize) + maxTableSize, kept for the connection's life). Not thread-safe: one
/// connection's reader uses it.
/// Not checked here: that a peer sends a size update after we lower SETTINGS_HEADER_TABLE_SIZE (the API takes the setting
/// once), and the HTTP/2 rules on names (lower case, pseudo-headers first), which the caller applies.
/// </summary>
internal sealed class HpackDecoder
{
    // Memory per decoder is a small multiple of the limits: keep them in the range a gateway would advertise.
    private const int MaxSetting = 1 << 24;

    private readonly int _maxHeaderListSize;
    private readonly HpackDynamicTable _table;
    private byte[] _scratch = []; // Huffman output and copied names; see the class summary for its bound

    /// <param name="maxTableSize">SETTINGS_HEADER_TABLE_SIZE we advertised (the peer's size updates may not exceed it).</param>
    /// <param name="maxHeaderListSize">Limit on the sum over fields of name + value + 32 (RFC 9113 §6.5.2).</param>
    public HpackDecoder(int maxTableSize = 4096, int maxHeaderListSize = 65536)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxTableSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxTableSize, MaxSetting);
        ArgumentOutOfRangeException.ThrowIfNegative(maxHeaderListSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxHeaderListSize, MaxSetting);
        _table = new HpackDynamicTable(maxTableSize);
        _maxHeaderListSize = maxHeaderListSize;
    }

    /// <summary>The dynamic table as the peer's blocks have built it (tests read it).</summary>
    internal HpackDynamicTable Table => _table;

    /// <summary>
    /// Decodes one complete header block (HEADERS + CONTINUATION fragments joined, padding and priority removed), calling
    /// <paramref name="sink"/> once per field in order. After an error the table no longer matches the peer's and the
    /// connection must end with COMPRESSION_ERROR, except after <see cref="HpackError.HeaderListTooLarge"/>: then the
    /// rest of the block was still processed (fields past the limit are not passed to the sink, but their table inserts
    /// are made, RFC 9113 §10.5.1), so the decoder stays usable and the caller may refuse just that stream (the fields it
    /// got are incomplete). Allocates nothing once the scratch buffer has grown to the largest field seen.
    /// </summary>
    public HpackError Decode<TSink>(ReadOnlySpan<byte> block, ref TSink sink)
        where TSink : IHpackHeaderSink, allows ref struct
    {
        var pos = 0;
        var fieldSeen = false;
        long listSize = 0;
        while (pos < block.Length)
        {
            var first = block[pos];
            HpackError error;
            if ((first & 0x80) != 0)
            {
                error = Indexed(block, ref pos, ref listSize, ref sink);
                fieldSeen = true;
            }
            else if ((first & 0xe0) == 0x20)
            {
                error = fieldSeen ? HpackError.TableSizeUpdateNotAllowed : SizeUpdate(block, ref pos);
            }
            else
            {
                // 01xxxxxx: incremental indexing (6-bit prefix); 0000xxxx without indexing, 0001xxxx never indexed (4-bit).
                var indexing = (first & 0xc0) == 0x40;
                error = Literal(block, ref pos, indexing ? 6 : 4, indexing, neverIndexed: (first & 0xf0) == 0x10, ref listSize, ref sink);
                fieldSeen = true;
            }

            if (error != HpackError.None)
            {
                return error;
            }
        }

        return listSize > _maxHeaderListSize ? HpackError.HeaderListTooLarge : HpackError.None;
    }

    private HpackError SizeUpdate(ReadOnlySpan<byte> block, ref int pos)
    {
        var error = HpackInteger.Read(block, ref pos, 5, out var size);
        if (error != HpackError.None)
        {
            return error;
        }

        if (size > _table.MaxCapacity)
        {
            return HpackError.TableSizeOverLimit;
        }

        _table.SetCapacity(size);
        return HpackError.None;
    }

    private HpackError Indexed<TSink>(ReadOnlySpan<byte> block, ref int pos, ref long listSize, ref TSink sink)
        where TSink : IHpackHeaderSink, allows ref struct
    {
        var error = HpackInteger.Read(block, ref pos, 7, out var index);
        if (error != HpackError.None)
        {
            return error;
        }

        if (index == 0 || index > HpackStaticTable.Count + _table.Count)
        {
            return HpackError.IndexOutOfRange;
        }

        var name = index <= HpackStaticTable.Count ? HpackStaticTable.Name(index) : _table.Name(index - HpackStaticTable.Count);
        var value = index <= HpackStaticTable.Count ? HpackStaticTable.Value(index) : _table.Value(index - HpackStaticTable.Count);
        Emit(name, value, false, ref listSize, ref sink);
        return HpackError.None;
    }

    private HpackError Literal<TSink>(ReadOnlySpan<byte> block, ref int pos, int prefixBits, bool indexing, bool neverIndexed, ref long listSize, ref TSink sink)
        where TSink : IHpackHeaderSink, allows ref struct
    {
        var error = HpackInteger.Read(block, ref pos, prefixBits, out var nameIndex);
        if (error != HpackError.None)
        {
            return error;
        }

        if (nameIndex > HpackStaticTable.Count + _table.Count)
        {
            return HpackError.IndexOutOfRange;
        }

        var rawName = default(HpackString);
        if (nameIndex == 0 && (error = ReadString(block, ref pos, out rawName)) != HpackError.None)
        {
            return error;
        }

        if ((error = ReadString(block, ref pos, out var rawValue)) != HpackError.None)
        {
            return error;
        }

        // Size the scratch once, before any span into it is taken: Huffman output of both strings, and a copy of a name
        // that lives in the dynamic table (the insert below may evict or move it, RFC 7541 §4.4). A string needs no more
        // room than what is left of the header list limit, or, to be stored, than the table's capacity: output past both
        // means a field over the limit that the table would not keep either.
        // Name and value share that room (a field whose two decoded strings do not fit it is over both bounds), so the
        // value gets what the decoded name left.
        var budget = (int)Math.Max(0, _maxHeaderListSize - listSize - HpackDynamicTable.EntryOverhead);
        var room = Math.Max(budget, indexing ? _table.Capacity : 0);
        var nameFromTable = nameIndex > HpackStaticTable.Count;
        var nameRoom = nameIndex == 0 ? Math.Min(rawName.DecodedBound, room) : 0;
        var stringsRoom = Math.Min(nameRoom + rawValue.DecodedBound, room);
        var copyRoom = indexing && nameFromTable ? _table.Name(nameIndex - HpackStaticTable.Count).Length : 0;
        EnsureScratch(stringsRoom + copyRoom);

        ReadOnlySpan<byte> name;
        var nameUsed = 0;
        if (nameIndex == 0)
        {
            error = rawName.Decode(block, _scratch.AsSpan(0, nameRoom), out name);
            nameUsed = rawName.Huffman ? name.Length : 0;
        }
        else
        {
            name = nameFromTable ? _table.Name(nameIndex - HpackStaticTable.Count) : HpackStaticTable.Name(nameIndex);
        }

        var value = ReadOnlySpan<byte>.Empty;
        if (error == HpackError.None)
        {
            error = rawValue.Decode(block, _scratch.AsSpan(nameUsed, stringsRoom - nameUsed), out value);
        }

        if (error == HpackError.None && name.Length + value.Length > room)
        {
            error = HpackError.StringTooLong; // plain strings are used in place: only their lengths show they are over
        }

        if (error == HpackError.StringTooLong)
        {
            // Over the list limit, and bigger than the table: the table empties (RFC 7541 §4.4), the field is dropped.
            if (indexing)
            {
                _table.Clear();
            }

            listSize = Math.Max(listSize, _maxHeaderListSize + 1L);
            return HpackError.None;
        }

        if (error != HpackError.None)
        {
            return error;
        }

        if (indexing)
        {
            if (copyRoom > 0)
            {
                var copy = _scratch.AsSpan(stringsRoom, copyRoom);
                name.CopyTo(copy);
                name = copy;
            }

            _table.Add(name, value);
        }

        Emit(name, value, neverIndexed, ref listSize, ref sink);
        return HpackError.None;
    }

    private HpackError ReadString(ReadOnlySpan<byte> block, ref int pos, out HpackString raw)
    {
        raw = default;
        if (pos >= block.Length)
        {
            return HpackError.Malformed;
        }

        var huffman = (block[pos] & 0x80) != 0;
        var error = HpackInteger.Read(block, ref pos, 7, out var length);
        if (error != HpackError.None)
        {
            return error;
        }

        if (length > block.Length - pos)
        {
            return HpackError.Malformed;
        }

        raw = new HpackString(pos, length, huffman);
        pos += length;
        return HpackError.None;
    }

    // Counts the field against the header list limit, and passes it on while the list is within it.
    private void Emit<TSink>(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed, ref long listSize, ref TSink sink)
        where TSink : IHpackHeaderSink, allows ref struct
    {
        listSize += name.Length + value.Length + HpackDynamicTable.EntryOverhead;
        if (listSize <= _maxHeaderListSize)
        {
            sink.OnHeader(name, value, neverIndexed);
        }
    }

    // Grows by doubling, up to the most one field can need: its strings within the list limit (or the table) and a name from the table.
    private void EnsureScratch(int length)
    {
        if (_scratch.Length < length)
        {
            var most = Math.Max(_maxHeaderListSize, _table.MaxCapacity) + _table.MaxCapacity;
            _scratch = new byte[Math.Max(length, Math.Min(2 * _scratch.Length, most))];
        }
    }
}
