using Canaria.Gateway.FastPath.Http2;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// The worked examples of RFC 7541 Appendix C: each block's exact bytes decode to the listed fields, and the dynamic table
/// holds the listed entries (newest first) and size afterwards.
/// </summary>
public sealed class HpackRfcExampleTests
{
    private const string Date21 = "Mon, 21 Oct 2013 20:13:21 GMT";
    private const string Date22 = "Mon, 21 Oct 2013 20:13:22 GMT";
    private const string Location = "https://www.example.com";
    private const string Cookie = "foo=ASDJKHQKBZXOQWEOPIUAXQWEOIU; max-age=3600; version=1";

    private static readonly (string, string)[] Request1 = [(":method", "GET"), (":scheme", "http"), (":path", "/"), (":authority", "www.example.com")];
    private static readonly (string, string)[] Request2 = [.. Request1, ("cache-control", "no-cache")];
    private static readonly (string, string)[] Request3 =
        [(":method", "GET"), (":scheme", "https"), (":path", "/index.html"), (":authority", "www.example.com"), ("custom-key", "custom-value")];

    private static readonly (string, string)[] Response1 = [(":status", "302"), ("cache-control", "private"), ("date", Date21), ("location", Location)];
    private static readonly (string, string)[] Response2 = [(":status", "307"), ("cache-control", "private"), ("date", Date21), ("location", Location)];
    private static readonly (string, string)[] Response3 =
        [(":status", "200"), ("cache-control", "private"), ("date", Date22), ("location", Location), ("content-encoding", "gzip"), ("set-cookie", Cookie)];

    private static readonly (string, string)[] RequestTable1 = [(":authority", "www.example.com")];
    private static readonly (string, string)[] RequestTable2 = [("cache-control", "no-cache"), .. RequestTable1];
    private static readonly (string, string)[] RequestTable3 = [("custom-key", "custom-value"), .. RequestTable2];
    private static readonly (string, string)[] ResponseTable1 = [("location", Location), ("date", Date21), ("cache-control", "private"), (":status", "302")];
    private static readonly (string, string)[] ResponseTable2 = [(":status", "307"), ("location", Location), ("date", Date21), ("cache-control", "private")];
    private static readonly (string, string)[] ResponseTable3 = [("set-cookie", Cookie), ("content-encoding", "gzip"), ("date", Date22)];

    [Theory]
    [InlineData("400a 6375 7374 6f6d 2d6b 6579 0d63 7573 746f 6d2d 6865 6164 6572", "custom-key", "custom-header", 1)] // C.2.1
    [InlineData("040c 2f73 616d 706c 652f 7061 7468", ":path", "/sample/path", 0)] // C.2.2
    [InlineData("1008 7061 7373 776f 7264 0673 6563 7265 74", "password", "secret", 0)] // C.2.3
    [InlineData("82", ":method", "GET", 0)] // C.2.4
    public void Decode_C2SingleField_GivesFieldAndIndexesOnlyWhenAsked(string hex, string name, string value, int entries)
    {
        var decoder = new HpackDecoder();

        var (error, fields) = HpackFields.Decode(decoder, HpackFields.Hex(hex));

        Assert.Equal(HpackError.None, error);
        Assert.Equal([(name, value)], fields);
        Assert.Equal(entries, decoder.Table.Count);
        Assert.Equal(entries == 0 ? 0 : name.Length + value.Length + 32, decoder.Table.Size);
    }

    [Fact]
    public void Decode_C3RequestsWithoutHuffman_GiveFieldsAndTable()
    {
        AssertSeries(4096,
            ("8286 8441 0f77 7777 2e65 7861 6d70 6c65 2e63 6f6d", Request1, RequestTable1, 57),
            ("8286 84be 5808 6e6f 2d63 6163 6865", Request2, RequestTable2, 110),
            ("8287 85bf 400a 6375 7374 6f6d 2d6b 6579 0c63 7573 746f 6d2d 7661 6c75 65", Request3, RequestTable3, 164));
    }

    [Fact]
    public void Decode_C4RequestsWithHuffman_GiveFieldsAndTable()
    {
        AssertSeries(4096,
            ("8286 8441 8cf1 e3c2 e5f2 3a6b a0ab 90f4 ff", Request1, RequestTable1, 57),
            ("8286 84be 5886 a8eb 1064 9cbf", Request2, RequestTable2, 110),
            ("8287 85bf 4088 25a8 49e9 5ba9 7d7f 8925 a849 e95b b8e8 b4bf", Request3, RequestTable3, 164));
    }

    [Fact]
    public void Decode_C5ResponsesWithoutHuffman_EvictAsListed()
    {
        AssertSeries(256,
            ("""
             4803 3330 3258 0770 7269 7661 7465 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133
             2032 303a 3133 3a32 3120 474d 546e 1768 7474 7073 3a2f 2f77 7777 2e65 7861 6d70 6c65 2e63 6f6d
             """, Response1, ResponseTable1, 222),
            ("4803 3330 37c1 c0bf", Response2, ResponseTable2, 222),
            ("""
             88c1 611d 4d6f 6e2c 2032 3120 4f63 7420 3230 3133 2032 303a 3133 3a32 3220 474d
             54c0 5a04 677a 6970 7738 666f 6f3d 4153 444a 4b48 514b 425a 584f 5157 454f 5049
             5541 5851 5745 4f49 553b 206d 6178 2d61 6765 3d33 3630 303b 2076 6572 7369 6f6e 3d31
             """, Response3, ResponseTable3, 215));
    }

    [Fact]
    public void Decode_C6ResponsesWithHuffman_EvictAsListed()
    {
        AssertSeries(256,
            ("""
             4882 6402 5885 aec3 771a 4b61 96d0 7abe 9410 54d4 44a8 2005 9504 0b81 66e0 82a6
             2d1b ff6e 919d 29ad 1718 63c7 8f0b 97c8 e9ae 82ae 43d3
             """, Response1, ResponseTable1, 222),
            ("4883 640e ffc1 c0bf", Response2, ResponseTable2, 222),
            ("""
             88c1 6196 d07a be94 1054 d444 a820 0595 040b 8166 e084 a62d 1bff c05a 839b d9ab
             77ad 94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f
             9587 3160 65c0 03ed 4ee5 b106 3d50 07
             """, Response3, ResponseTable3, 215));
    }

    [Theory]
    [InlineData("www.example.com", "f1e3 c2e5 f23a 6ba0 ab90 f4ff")]
    [InlineData("no-cache", "a8eb 1064 9cbf")]
    [InlineData("custom-value", "25a8 49e9 5bb8 e8b4 bf")]
    [InlineData(Date21, "d07a be94 1054 d444 a820 0595 040b 8166 e082 a62d 1bff")]
    [InlineData(Cookie, "94e7 821d d7f2 e6c7 b335 dfdf cd5b 3960 d5af 2708 7f36 72c1 ab27 0fb5 291f 9587 3160 65c0 03ed 4ee5 b106 3d50 07")]
    public void HuffmanEncode_RfcString_GivesRfcBytes(string text, string hex)
    {
        var source = System.Text.Encoding.ASCII.GetBytes(text);
        var destination = new byte[Huffman.EncodedLength(source)];

        var written = Huffman.Encode(source, destination);

        Assert.Equal(HpackFields.Hex(hex), destination[..written]);
    }

    [Fact]
    public void StaticTableFind_EveryEntry_FindsItsIndexAndItsNamesFirstIndex()
    {
        for (var index = 1; index <= HpackStaticTable.Count; index++)
        {
            var found = HpackStaticTable.Find(HpackStaticTable.Name(index), HpackStaticTable.Value(index), out var nameIndex);

            Assert.Equal(index, found);
            Assert.Equal(Enumerable.Range(1, index).First(i => HpackStaticTable.Name(i).SequenceEqual(HpackStaticTable.Name(index))), nameIndex);
        }

        Assert.Equal(0, HpackStaticTable.Find(":status"u8, "302"u8, out var statusName));
        Assert.Equal(8, statusName);
        Assert.Equal(0, HpackStaticTable.Find("x-unknown"u8, ""u8, out var unknownName));
        Assert.Equal(0, unknownName);
    }

    private static void AssertSeries(int tableSize, params (string Hex, (string, string)[] Fields, (string, string)[] Table, int Size)[] steps)
    {
        var decoder = new HpackDecoder(tableSize);
        foreach (var step in steps)
        {
            var (error, fields) = HpackFields.Decode(decoder, HpackFields.Hex(step.Hex));

            Assert.Equal(HpackError.None, error);
            Assert.Equal(step.Fields, fields);
            Assert.Equal(step.Table, HpackFields.Entries(decoder.Table));
            Assert.Equal(step.Size, decoder.Table.Size);
        }
    }
}
