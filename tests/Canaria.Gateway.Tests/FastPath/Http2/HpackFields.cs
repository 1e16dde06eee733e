using System.Buffers;
using System.Text;
using Canaria.Gateway.FastPath.Http2;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>Collects decoded fields as strings (Latin-1, so any byte survives) for the HPACK tests.</summary>
internal struct HpackFields : IHpackHeaderSink
{
    public HpackFields()
    {
    }

    public List<(string Name, string Value)> Fields { get; } = [];

    public readonly void OnHeader(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, bool neverIndexed) =>
        Fields.Add((Encoding.Latin1.GetString(name), Encoding.Latin1.GetString(value)));

    /// <summary>Decodes <paramref name="block"/> and returns the error and the fields decoded before it.</summary>
    public static (HpackError Error, List<(string Name, string Value)> Fields) Decode(HpackDecoder decoder, ReadOnlySpan<byte> block)
    {
        var sink = new HpackFields();
        var error = decoder.Decode(block, ref sink);
        return (error, sink.Fields);
    }

    /// <summary>The table's entries, newest first.</summary>
    public static List<(string Name, string Value)> Entries(HpackDynamicTable table)
    {
        var entries = new List<(string, string)>();
        for (var i = 1; i <= table.Count; i++)
        {
            entries.Add((Encoding.Latin1.GetString(table.Name(i)), Encoding.Latin1.GetString(table.Value(i))));
        }

        return entries;
    }

    /// <summary>Bytes from hex as the RFC prints them (spaces and line breaks ignored).</summary>
    public static byte[] Hex(string hex) => Convert.FromHexString(string.Concat(hex.Where(char.IsAsciiHexDigit)));

    /// <summary>A typical gRPC call's request fields as one block, with the given <c>grpc-timeout</c>.</summary>
    public static byte[] GrpcRequest(HpackEncoder encoder, ReadOnlySpan<byte> timeout)
    {
        var output = new ArrayBufferWriter<byte>();
        encoder.BeginBlock(output);
        encoder.Encode(":method"u8, "POST"u8, output);
        encoder.Encode(":scheme"u8, "http"u8, output);
        encoder.Encode(":path"u8, "/shop.Cart/AddItem"u8, output);
        encoder.Encode(":authority"u8, "cart.shop.svc:8080"u8, output);
        encoder.Encode("content-type"u8, "application/grpc"u8, output);
        encoder.Encode("te"u8, "trailers"u8, output);
        encoder.Encode("user-agent"u8, "grpc-dotnet/2.67.0 (.NET 10.0.0; CLR 10.0.0; net10.0; linux; x64)"u8, output);
        encoder.Encode("grpc-accept-encoding"u8, "identity,gzip,deflate"u8, output);
        encoder.Encode("grpc-timeout"u8, timeout, output);
        return output.WrittenSpan.ToArray();
    }
}
