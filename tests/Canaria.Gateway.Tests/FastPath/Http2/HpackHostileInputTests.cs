using System.Buffers;
using System.Text;
using Canaria.Gateway.FastPath.Http2;
using CsCheck;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// Bytes a hostile or broken client can send: each kind of damage gets its own <see cref="HpackError"/>, and random or
/// mutated blocks end in fields or an error, never an exception.
/// </summary>
public sealed class HpackHostileInputTests
{
    [Theory]
    [InlineData("ff ff ff ff ff ff 0f")] // index 127 + 2^35-ish: over int.MaxValue
    [InlineData("ff 80 80 80 80 80 80 01")] // more continuation bytes than any int needs
    [InlineData("ff 80")] // the block ends inside the integer
    [InlineData("40 0a 61 62")] // a string of 10 bytes in a block with 2 left
    [InlineData("40 01 61")] // a name with no value after it
    [InlineData("7f")] // an incremental literal's name index cut off
    [InlineData("40")] // a literal with nothing after its first byte
    public void Decode_TruncatedOrOverflowingField_ReturnsMalformed(string hex)
    {
        Assert.Equal(HpackError.Malformed, HpackFields.Decode(new HpackDecoder(), HpackFields.Hex(hex)).Error);
    }

    [Theory]
    [InlineData("80")] // index 0 is never valid
    [InlineData("be")] // 62: the first dynamic index, with an empty table
    [InlineData("7e 01 61")] // a literal whose name index is 62, past the empty table
    [InlineData("0f 30 01 61")] // a literal (not indexed) whose name index is 63
    public void Decode_IndexPastTables_ReturnsIndexOutOfRange(string hex)
    {
        Assert.Equal(HpackError.IndexOutOfRange, HpackFields.Decode(new HpackDecoder(), HpackFields.Hex(hex)).Error);
    }

    [Fact]
    public void Decode_SizeUpdateAboveAdvertised_ReturnsTableSizeOverLimit()
    {
        Span<byte> update = stackalloc byte[HpackInteger.MaxLength];
        var length = HpackInteger.Write(update, 4097, 5, 0x20);

        Assert.Equal(HpackError.TableSizeOverLimit, HpackFields.Decode(new HpackDecoder(4096), update[..length]).Error);
    }

    [Fact]
    public void Decode_SizeUpdateAfterAField_ReturnsTableSizeUpdateNotAllowed()
    {
        Assert.Equal(HpackError.TableSizeUpdateNotAllowed, HpackFields.Decode(new HpackDecoder(), HpackFields.Hex("82 20")).Error);
    }

    [Fact]
    public void Decode_SizeUpdatesAtBlockStart_ApplyAndEvict()
    {
        var decoder = new HpackDecoder();
        Assert.Equal(HpackError.None, HpackFields.Decode(decoder, HpackFields.Hex("40 01 61 01 62")).Error);

        var (error, fields) = HpackFields.Decode(decoder, HpackFields.Hex("20 3f 01 82"));

        Assert.Equal(HpackError.None, error);
        Assert.Equal([(":method", "GET")], fields);
        Assert.Equal(0, decoder.Table.Count);
        Assert.Equal(32, decoder.Table.Capacity);
    }

    [Fact]
    public void Decode_ManyCheapIndexedFields_ReturnsHeaderListTooLarge()
    {
        // Each ":method: GET" counts 7 + 3 + 32 = 42 against the limit: 100 of them are 4200 > 4096.
        var block = Enumerable.Repeat((byte)0x82, 100).ToArray();

        var (error, fields) = HpackFields.Decode(new HpackDecoder(maxHeaderListSize: 4096), block);

        Assert.Equal(HpackError.HeaderListTooLarge, error);
        Assert.Equal(4096 / 42, fields.Count);
    }

    [Fact]
    public void Decode_OneLargeEntryRepeatedByIndex_ReturnsHeaderListTooLarge()
    {
        var output = new ArrayBufferWriter<byte>();
        var encoder = new HpackEncoder();
        encoder.BeginBlock(output);
        encoder.Encode("x-big"u8, Encoding.ASCII.GetBytes(new string('v', 900)), output);
        var block = output.WrittenSpan.ToArray().Concat(Enumerable.Repeat((byte)0xbe, 200)).ToArray();

        Assert.Equal(HpackError.HeaderListTooLarge, HpackFields.Decode(new HpackDecoder(maxHeaderListSize: 65536), block).Error);
    }

    [Fact]
    public void Decode_ListTooLarge_StillMakesTheBlocksInsertsSoTheNextBlockDecodes()
    {
        var encoder = new HpackEncoder();
        var decoder = new HpackDecoder(maxHeaderListSize: 1000);
        var pad = Encoding.ASCII.GetBytes(new string('p', 300));
        var first = new ArrayBufferWriter<byte>();
        encoder.BeginBlock(first);
        foreach (var name in (string[])["x-pad-1", "x-pad-2", "x-pad-3", "x-after"])
        {
            encoder.Encode(Encoding.ASCII.GetBytes(name), name == "x-after" ? "one"u8 : pad, first); // 3 x 339 > 1000
        }

        var second = new ArrayBufferWriter<byte>();
        encoder.BeginBlock(second);
        encoder.Encode("x-after"u8, "one"u8, second);
        encoder.Encode("x-pad-3"u8, pad, second);

        var (tooLarge, firstFields) = HpackFields.Decode(decoder, first.WrittenSpan);
        Assert.Equal(HpackError.HeaderListTooLarge, tooLarge);
        Assert.Equal(["x-pad-1", "x-pad-2"], firstFields.Select(f => f.Name));
        Assert.Equal(HpackFields.Entries(encoder.Table), HpackFields.Entries(decoder.Table));

        var (error, fields) = HpackFields.Decode(decoder, second.WrittenSpan);
        Assert.Equal(HpackError.None, error);
        Assert.Equal([("x-after", "one"), ("x-pad-3", new string('p', 300))], fields);
    }

    [Theory]
    [InlineData(4096, 1)] // the field is over the list limit but fits the table: it is stored
    [InlineData(64, 0)] // it is bigger than the table too: the table empties (RFC 7541 §4.4)
    public void Decode_IndexedHuffmanFieldOverListLimit_TableStillFollowsThePeer(int tableSize, int entries)
    {
        var decoder = new HpackDecoder(maxTableSize: tableSize, maxHeaderListSize: 100);
        Assert.Equal(HpackError.None, HpackFields.Decode(decoder, HpackFields.Hex("40 01 6b 01 76")).Error); // k: v, 34 bytes
        var text = Encoding.ASCII.GetBytes(new string('a', 96));
        var huffman = new byte[Huffman.EncodedLength(text)];
        Huffman.Encode(text, huffman);
        byte[] block = [0x40, 0x01, (byte)'x', (byte)(0x80 | huffman.Length), .. huffman]; // 1 + 96 + 32 > 100

        var (error, fields) = HpackFields.Decode(decoder, block);

        Assert.Equal(HpackError.HeaderListTooLarge, error);
        Assert.Empty(fields);
        Assert.Equal(entries == 0 ? [] : [("x", new string('a', 96)), ("k", "v")], HpackFields.Entries(decoder.Table));
    }

    [Fact]
    public void Decode_PlainStringLongerThanListLimit_HeaderListTooLargeAndTheTableKeepsStep()
    {
        // A plain (not Huffman) name of 150 bytes and a value of 100 under a limit of 100: the field is over the limit, so
        // only its stream may be refused (a connection error would end every stream of a client that sends one big cookie),
        // and its insert is still made, so the next block refers to the peer's table correctly.
        var block = new List<byte> { 0x40 };
        var scratch = new byte[HpackInteger.MaxLength];
        block.AddRange(scratch.AsSpan(0, HpackInteger.Write(scratch, 150, 7, 0x00)).ToArray());
        block.AddRange(Enumerable.Repeat((byte)'x', 150));
        block.AddRange(scratch.AsSpan(0, HpackInteger.Write(scratch, 100, 7, 0x00)).ToArray());
        block.AddRange(Enumerable.Repeat((byte)'v', 100));
        var decoder = new HpackDecoder(maxHeaderListSize: 100);

        var (error, fields) = HpackFields.Decode(decoder, block.ToArray());

        Assert.Equal(HpackError.HeaderListTooLarge, error);
        Assert.Empty(fields);
        Assert.Equal([(new string('x', 150), new string('v', 100))], HpackFields.Entries(decoder.Table));
        var (next, nextFields) = HpackFields.Decode(decoder, [0xbe]); // index 62: the entry just stored
        Assert.Equal(HpackError.HeaderListTooLarge, next);
        (next, nextFields) = HpackFields.Decode(decoder, [0x82]);
        Assert.Equal(HpackError.None, next);
        Assert.Equal([(":method", "GET")], nextFields);
    }

    [Fact]
    public void Decode_HuffmanValueDecodingPastListLimit_ReturnsHeaderListTooLarge()
    {
        // 60 Huffman bytes hold 96 'a's: with the name "x" and 32 of overhead, over a limit of 100.
        var text = Encoding.ASCII.GetBytes(new string('a', 96));
        var huffman = new byte[Huffman.EncodedLength(text)];
        Huffman.Encode(text, huffman);
        byte[] block = [0x00, 0x01, (byte)'x', (byte)(0x80 | huffman.Length), .. huffman];

        Assert.Equal(HpackError.HeaderListTooLarge, HpackFields.Decode(new HpackDecoder(maxHeaderListSize: 100), block).Error);
        Assert.Equal(HpackError.None, HpackFields.Decode(new HpackDecoder(maxHeaderListSize: 129), block).Error);
    }

    [Theory]
    [InlineData("1f", "None")] // 'a' (00011) + 111: the one valid padding
    [InlineData("18", "BadHuffman")] // 'a' + 000: padding not all ones
    [InlineData("1e", "BadHuffman")] // 'a' + 110
    [InlineData("1f ff", "BadHuffman")] // 'a' + 11 ones: padding over 7 bits
    [InlineData("ff ff ff ff", "BadHuffman")] // EOS (30 ones) inside the string
    [InlineData("fe", "BadHuffman")] // 8 bits that are no whole code and not padding
    public void Decode_HuffmanPadding_OnlyShortAllOnesAccepted(string huffmanHex, string expectedError)
    {
        var expected = Enum.Parse<HpackError>(expectedError);
        var huffman = HpackFields.Hex(huffmanHex);
        byte[] block = [0x04, (byte)(0x80 | huffman.Length), .. huffman]; // :path, not indexed, Huffman value

        var (error, fields) = HpackFields.Decode(new HpackDecoder(), block);

        Assert.Equal(expected, error);
        if (expected == HpackError.None)
        {
            Assert.Equal([(":path", "a")], fields);
        }
    }

    [Fact]
    public void Decode_NameIndexedFromEntryTheInsertEvicts_KeepsTheName()
    {
        // Table of 64 bytes holds one small entry; the new field reuses its name (index 62) and is too big to keep both.
        var decoder = new HpackDecoder(maxTableSize: 64);
        Assert.Equal(HpackError.None, HpackFields.Decode(decoder, HpackFields.Hex("40 0a 63 75 73 74 6f 6d 2d 6b 65 79 01 31")).Error);
        byte[] block = [0x7e, 20, .. Encoding.ASCII.GetBytes(new string('z', 20))];

        var (error, fields) = HpackFields.Decode(decoder, block);

        Assert.Equal(HpackError.None, error);
        Assert.Equal([("custom-key", new string('z', 20))], fields);
        Assert.Equal([("custom-key", new string('z', 20))], HpackFields.Entries(decoder.Table));
    }

    [Fact]
    public void Decode_RandomBytes_NeverThrows()
    {
        Gen.Byte.Array[0, 300].Sample(block =>
        {
            var decoder = new HpackDecoder(maxTableSize: 256, maxHeaderListSize: 2048);
            var (error, fields) = HpackFields.Decode(decoder, block);
            Assert.True(error != HpackError.None || fields.Sum(f => f.Name.Length + f.Value.Length + 32) <= 2048);
            Assert.True(decoder.Table.Size <= 256);
        }, iter: 10_000);
    }

    [Fact]
    public void Decode_MutatedValidBlocks_NeverThrow()
    {
        var valid = ValidBlock();
        Gen.Select(Gen.Int[0, valid.Length - 1].Array[1, 4], Gen.Byte.Array[1, 4], Gen.Int[0, valid.Length]).Sample((positions, bytes, cut) =>
        {
            var block = valid.ToArray();
            for (var i = 0; i < positions.Length; i++)
            {
                block[positions[i]] = bytes[i % bytes.Length];
            }

            var decoder = new HpackDecoder();
            HpackFields.Decode(decoder, block.AsSpan(0, cut));
            HpackFields.Decode(decoder, block);
            Assert.True(decoder.Table.Size <= 4096);
        }, iter: 10_000);
    }

    // A gRPC call's fields with a sensitive one and a non-ASCII value after them, all one block.
    private static byte[] ValidBlock()
    {
        var encoder = new HpackEncoder();
        encoder.SetPeerMaxTableSize(1024);
        var call = HpackFields.GrpcRequest(encoder, "250m"u8);
        var more = new ArrayBufferWriter<byte>();
        encoder.Encode("authorization"u8, "Bearer abc.def"u8, more);
        encoder.Encode("x-tenant"u8, "\u00e9t\u00e9\u0001\u00ff"u8, more);
        return [.. call, .. more.WrittenSpan];
    }
}
