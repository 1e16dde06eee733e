using System.Buffers;

namespace Canaria.Gateway.FastPath.Http2;

/// <summary>
/// Encodes header blocks toward one peer (RFC 7541): one instance per connection and direction, used by one writer at a time.
/// <para>
/// What it indexes, and why: a gRPC connection repeats the same fields on every call (<c>:method POST</c>, <c>:scheme</c>,
/// <c>:path</c>, <c>:authority</c>, <c>content-type application/grpc</c>, <c>te trailers</c>, <c>user-agent</c>,
/// <c>grpc-accept-encoding</c>, <c>:status 200</c>, <c>grpc-status 0</c>), so every field is sent with incremental indexing
/// the first time and as a one- or two-byte index afterwards; a full match in the static table (<c>:method POST</c>,
/// <c>:status 200</c>) is used directly. Fields that change on nearly every message (<c>grpc-timeout</c>,
/// <c>content-length</c>, <c>date</c>, trace and request ids) are indexed once, so their name gets an index, and from then
/// on sent as literals that refer to that name and leave the table alone; fields over a quarter of the table are never
/// indexed, since they would evict the repeated ones; sensitive fields (<c>authorization</c>, <c>proxy-authorization</c>, <c>cookie</c>,
/// <c>set-cookie</c>) and fields that came "never indexed" are sent so, and no intermediary stores them either (RFC 7541 §7.1.3).
/// </para>
/// <para>
/// Huffman: used for the strings of indexed fields when it is shorter, since they are encoded once per connection; the
/// literals sent on every call (not indexed, sensitive) go as plain bytes, which costs a few bytes on loopback and saves a
/// pass over them per call.
/// </para>
/// Each block must start with <see cref="BeginBlock"/>. The table is at most 4096 bytes whatever the peer allows, which
/// bounds memory per connection (an encoder may use less than the peer's limit, RFC 7541 §4.2).
/// </summary>
internal sealed class HpackEncoder
{
    /// <summary>The largest dynamic table this encoder keeps, and its size before the peer's SETTINGS (RFC 9113 §6.5.2 default).</summary>
    public const int MaxTableSize = 4096;

    private readonly HpackDynamicTable _table = new(MaxTableSize);
    private int _pendingSmallest = -1; // smallest capacity since the last block, if a size update is due
    private int _pendingFinal = -1;

    /// <summary>The dynamic table as the peer's decoder will rebuild it (tests read it).</summary>
    internal HpackDynamicTable Table => _table;

    /// <summary>The peer's SETTINGS_HEADER_TABLE_SIZE changed: the next block starts with a dynamic table size update if needed.</summary>
    public void SetPeerMaxTableSize(int size)
    {
        var capacity = Math.Clamp(size, 0, MaxTableSize);
        _pendingSmallest = Math.Min(_pendingSmallest < 0 ? _table.Capacity : _pendingSmallest, capacity);
        _pendingFinal = capacity;
    }

    /// <summary>Call at the start of each header block: emits a pending table size update (the smallest size since the last block first, RFC 7541 §4.2).</summary>
    public void BeginBlock(IBufferWriter<byte> output)
    {
        if (_pendingFinal < 0)
        {
            return;
        }

        if (_pendingSmallest < _table.Capacity)
        {
            WriteSizeUpdate(_pendingSmallest, output);
        }

        if (_pendingFinal != _table.Capacity)
        {
            WriteSizeUpdate(_pendingFinal, output);
        }

        _pendingSmallest = _pendingFinal = -1;
    }

    /// <summary>
    /// Appends one field's encoding to <paramref name="output"/> (see the class summary for what is indexed). Names go as
    /// given: the caller passes them in lower case, as HTTP/2 requires (RFC 9113 §8.2.1). <paramref name="neverIndexed"/>:
    /// the field came never-indexed and is forwarded so (RFC 7541 §7.1.3), as sensitive names always are.
    /// </summary>
    public void Encode(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, IBufferWriter<byte> output, bool neverIndexed = false)
    {
        if (neverIndexed || HpackFieldPolicy.IsSensitive(name))
        {
            HpackStaticTable.Find(name, [], out var staticName);
            var tableName = staticName == 0 ? FindName(name) : staticName;
            WriteLiteral(0x10, 4, tableName, name, value, huffman: false, output);
            return;
        }

        var index = HpackStaticTable.Find(name, value, out var nameIndex);
        if (index == 0)
        {
            var dynamicIndex = _table.Find(name, value, out var dynamicName);
            index = dynamicIndex == 0 ? 0 : HpackStaticTable.Count + dynamicIndex;
            if (nameIndex == 0 && dynamicName != 0)
            {
                nameIndex = HpackStaticTable.Count + dynamicName;
            }
        }

        if (index != 0)
        {
            var span = output.GetSpan(HpackInteger.MaxLength);
            output.Advance(HpackInteger.Write(span, index, 7, 0x80));
            return;
        }

        // A field that changes per message is indexed only while its name is in no table, so that later messages can
        // refer to the name (about 3 bytes for grpc-timeout instead of 16).
        var oversized = name.Length + value.Length + HpackDynamicTable.EntryOverhead > _table.Capacity / 4;
        if (oversized || (nameIndex != 0 && HpackFieldPolicy.ChangesPerMessage(name)))
        {
            WriteLiteral(0x00, 4, nameIndex, name, value, huffman: false, output);
            return;
        }

        WriteLiteral(0x40, 6, nameIndex, name, value, huffman: true, output);
        _table.Add(name, value);
    }

    /// <summary>Appends <c>:status</c>: one byte for the seven codes in the static table, an indexed literal otherwise. <paramref name="status"/> is 100..999.</summary>
    public void EncodeStatus(int status, IBufferWriter<byte> output)
    {
        Span<byte> digits = stackalloc byte[3];
        if (status is < 100 or > 999)
        {
            throw new ArgumentOutOfRangeException(nameof(status), status, "an HTTP status has three digits");
        }

        digits[0] = (byte)('0' + (status / 100));
        digits[1] = (byte)('0' + (status / 10 % 10));
        digits[2] = (byte)('0' + (status % 10));
        Encode(":status"u8, digits, output);
    }

    private int FindName(ReadOnlySpan<byte> name)
    {
        _table.Find(name, [], out var dynamicName);
        return dynamicName == 0 ? 0 : HpackStaticTable.Count + dynamicName;
    }

    private void WriteSizeUpdate(int size, IBufferWriter<byte> output)
    {
        var span = output.GetSpan(HpackInteger.MaxLength);
        output.Advance(HpackInteger.Write(span, size, 5, 0x20));
        _table.SetCapacity(size);
    }

    private static void WriteLiteral(byte flags, int prefixBits, int nameIndex, ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool huffman, IBufferWriter<byte> output)
    {
        var span = output.GetSpan((3 * HpackInteger.MaxLength) + name.Length + value.Length);
        var written = HpackInteger.Write(span, nameIndex, prefixBits, flags);
        if (nameIndex == 0)
        {
            written += WriteString(span[written..], name, huffman);
        }

        written += WriteString(span[written..], value, huffman);
        output.Advance(written);
    }

    private static int WriteString(Span<byte> destination, ReadOnlySpan<byte> text, bool huffman)
    {
        var huffmanLength = huffman ? Huffman.EncodedLength(text) : int.MaxValue;
        if (huffmanLength < text.Length)
        {
            var prefix = HpackInteger.Write(destination, huffmanLength, 7, 0x80);
            return prefix + Huffman.Encode(text, destination[prefix..]);
        }

        var written = HpackInteger.Write(destination, text.Length, 7, 0x00);
        text.CopyTo(destination[written..]);
        return written + text.Length;
    }
}
