using System.Buffers;
using System.Text;
using Canaria.Gateway.FastPath.Http2;
using CsCheck;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// The encoder and decoder as one connection's two ends: whatever header lists go in, across many blocks and table size
/// changes, the same lists come out and both tables stay identical. Also what the encoder chooses to index.
/// </summary>
public sealed class HpackRoundTripTests
{
    private static readonly string[] KnownNames =
    [
        ":method", ":path", ":authority", ":scheme", ":status", "content-type", "te", "user-agent", "grpc-status",
        "grpc-timeout", "authorization", "proxy-authorization", "cookie", "set-cookie", "accept-encoding", "date",
    ];

    private static readonly string[] KnownValues = ["POST", "GET", "/", "http", "https", "200", "application/grpc", "trailers", "0", ""];

    // Latin-1 strings so every byte value 0..255 occurs (Huffman has a code for each).
    private static readonly Gen<string> AnyBytes = Gen.Char[(char)0, (char)255].Array[0, 40].Select(c => new string(c));
    private static readonly Gen<string> Name = Gen.Frequency(
        (3, Gen.Int[0, KnownNames.Length - 1].Select(i => KnownNames[i])),
        (1, Gen.Char["abcdefghijklmnopqrstuvwxyz-0123456789"].Array[1, 20].Select(c => new string(c))));

    // Known values, any bytes, and long values (500..1500: over a quarter of the table, or evicting much of it).
    private static readonly Gen<string> Value = Gen.Frequency(
        (2, Gen.Int[0, KnownValues.Length - 1].Select(i => KnownValues[i])),
        (2, AnyBytes),
        (1, Gen.Char['a', 'z'].Array[500, 1500].Select(c => new string(c))));
    private static readonly Gen<(string, string)[]> HeaderList = Gen.Select(Name, Value).Array[0, 12];

    // A block, and before it (sometimes) a new SETTINGS_HEADER_TABLE_SIZE from the peer, once or twice.
    private static readonly Gen<(int[] Sizes, (string, string)[] Fields)> Step =
        Gen.Select(Gen.Frequency((6, Gen.Const(Array.Empty<int>())), (1, Gen.Int[0, 4096].Array[1, 2])), HeaderList);

    [Fact]
    public void EncodeThenDecode_RandomBlocksAndSizeChanges_GiveSameFieldsAndSameTable()
    {
        Step.Array[1, 40].Sample(steps =>
        {
            var encoder = new HpackEncoder();
            var decoder = new HpackDecoder(maxTableSize: 4096, maxHeaderListSize: 1 << 20);
            var output = new ArrayBufferWriter<byte>();
            foreach (var (sizes, fields) in steps)
            {
                foreach (var size in sizes)
                {
                    encoder.SetPeerMaxTableSize(size);
                }

                output.Clear();
                encoder.BeginBlock(output);
                foreach (var (name, value) in fields)
                {
                    encoder.Encode(Encoding.Latin1.GetBytes(name), Encoding.Latin1.GetBytes(value), output);
                }

                var (error, decoded) = HpackFields.Decode(decoder, output.WrittenSpan);

                Assert.Equal(HpackError.None, error);
                Assert.Equal(fields, decoded);
                Assert.Equal(HpackFields.Entries(encoder.Table), HpackFields.Entries(decoder.Table));
                Assert.Equal(encoder.Table.Capacity, decoder.Table.Capacity);
            }
        }, iter: 300);
    }

    [Fact]
    public void HuffmanDecode_EncodedRandomBytes_GivesThemBack()
    {
        Gen.Byte.Array[0, 100].Sample(text =>
        {
            var encoded = new byte[Huffman.EncodedLength(text)];
            Assert.Equal(encoded.Length, Huffman.Encode(text, encoded));
            var decoded = new byte[(encoded.Length * 8 / 5) + 1];

            Assert.Equal(HpackError.None, Huffman.Decode(encoded, decoded, out var written));
            Assert.Equal(text, decoded[..written]);
        }, iter: 10_000);
    }

    [Fact]
    public void Encode_RepeatedGrpcCall_SecondBlockIsAByteAFieldPlusTheNewTimeout()
    {
        var encoder = new HpackEncoder();
        var first = HpackFields.GrpcRequest(encoder, "99m"u8);
        var second = HpackFields.GrpcRequest(encoder, "98m"u8);

        // 8 indexed fields of one byte each, and the new grpc-timeout as a literal that refers to the name the first call
        // indexed: name index 2 (a dynamic index past a 4-bit prefix) + length 1 + "98m".
        Assert.True(first.Length > 100, $"first block {first.Length} bytes");
        Assert.Equal(8 + 6, second.Length);
        var (error, fields) = HpackFields.Decode(new HpackDecoder(), [.. first, .. second]);
        Assert.Equal(HpackError.None, error);
        Assert.Equal(18, fields.Count);
    }

    [Theory]
    [InlineData("authorization")]
    [InlineData("proxy-authorization")]
    [InlineData("cookie")]
    [InlineData("set-cookie")]
    public void Encode_SensitiveField_IsNeverIndexedAndNotStored(string name)
    {
        var encoder = new HpackEncoder();
        var output = new ArrayBufferWriter<byte>();

        encoder.BeginBlock(output);
        encoder.Encode(Encoding.ASCII.GetBytes(name), "secret"u8, output);

        Assert.Equal(0x10, output.WrittenSpan[0] & 0xf0);
        Assert.Equal(0, encoder.Table.Count);
        Assert.Contains("secret", Encoding.ASCII.GetString(output.WrittenSpan), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(200, new byte[] { 0x88 })]
    [InlineData(404, new byte[] { 0x8d })]
    [InlineData(503, new byte[] { 0x48, 0x03, (byte)'5', (byte)'0', (byte)'3' })]
    public void EncodeStatus_Status_UsesStaticTableOrIndexedLiteral(int status, byte[] expected)
    {
        var output = new ArrayBufferWriter<byte>();

        new HpackEncoder().EncodeStatus(status, output);

        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void BeginBlock_SizeLoweredThenRaised_EmitsSmallestThenFinal()
    {
        var encoder = new HpackEncoder();
        var output = new ArrayBufferWriter<byte>();
        encoder.SetPeerMaxTableSize(100);
        encoder.SetPeerMaxTableSize(2048);

        encoder.BeginBlock(output);
        encoder.BeginBlock(output);

        Assert.Equal(HpackFields.Hex("3f 45 3f e1 0f"), output.WrittenSpan.ToArray());
        Assert.Equal(2048, encoder.Table.Capacity);
    }

    [Fact]
    public void Decode_WarmBlocks_AllocateNothingAndWarmingUpOnlyGrowsTheTable()
    {
        var encoder = new HpackEncoder();
        var decoder = new HpackDecoder();
        var first = HpackFields.GrpcRequest(encoder, "1S"u8);
        var second = HpackFields.GrpcRequest(encoder, "2S"u8); // all indexed but the timeout
        byte[] huffmanLiterals = HpackFields.Hex("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf"); // C.4.3: inserts every time
        var sink = new FieldCounter();
        decoder.Decode(first, ref sink);

        var warmUp = DecodeThousandTimes(decoder, second, huffmanLiterals, ref sink);
        var warm = DecodeThousandTimes(decoder, second, huffmanLiterals, ref sink);

        // Warming up fills the table to its 4096 bytes: its buffer (at most 2 x 4096) and entry ring (129 slots of 12 bytes) grow.
        Assert.InRange(warmUp, 1, (2 * 4096) + (2 * 129 * 12) + 1024);
        Assert.Equal(4096, decoder.Table.Capacity);
        Assert.InRange(decoder.Table.Size, 4096 - 100, 4096);
        Assert.Equal(0, warm);
        Assert.Equal(9 + (2000 * 14), sink.Count);
    }

    private static long DecodeThousandTimes(HpackDecoder decoder, byte[] a, byte[] b, ref FieldCounter sink)
    {
        var before = GC.GetAllocatedBytesForCurrentThread();
        for (var i = 0; i < 1000; i++)
        {
            decoder.Decode(a, ref sink);
            decoder.Decode(b, ref sink);
        }

        return GC.GetAllocatedBytesForCurrentThread() - before;
    }

    [Fact]
    public void Forward_NeverIndexedField_ReencodedNeverIndexedNoTableInsert()
    {
        // 0001 0000: a never-indexed literal with a literal name (RFC 7541 §6.2.3): a client's API key it keeps out of tables.
        byte[] block = [0x10, 9, .. "x-api-key"u8, 6, .. "secret"u8];
        var fields = new HeaderList();
        var sink = fields;
        Assert.Equal(HpackError.None, new HpackDecoder().Decode(block, ref sink));
        Assert.True(fields.NeverIndexed(0));

        // The gateway forwards it (as the HTTP/2 loop re-encodes fields toward the other peer).
        var encoder = new HpackEncoder();
        var output = new ArrayBufferWriter<byte>();
        encoder.BeginBlock(output);
        for (var i = 0; i < fields.Count; i++) encoder.Encode(fields.Name(i), fields.Value(i), output, fields.NeverIndexed(i));

        Assert.Equal(0x10, output.WrittenSpan[0] & 0xf0);
        Assert.Equal(0, encoder.Table.Count);
        var decoder = new HpackDecoder();
        var again = new HeaderList();
        var againSink = again;
        Assert.Equal(HpackError.None, decoder.Decode(output.WrittenSpan, ref againSink));
        Assert.Equal(("x-api-key", "secret", true), (Encoding.ASCII.GetString(again.Name(0)), Encoding.ASCII.GetString(again.Value(0)), again.NeverIndexed(0)));
        Assert.Equal(0, decoder.Table.Count);
    }

    private struct FieldCounter : IHpackHeaderSink
    {
        public int Count { get; private set; }

        public void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed) => Count++;
    }
}
