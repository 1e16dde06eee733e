using System.Buffers;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Canaria.Gateway.FastPath.Http2;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;
using static Canaria.Gateway.Tests.FastPath.Http2.HpackInteropFrames;

namespace Canaria.Gateway.Tests.FastPath.Http2;

/// <summary>
/// HPACK against real peers over real sockets: .NET's HttpClient and nghttp (nghttp2, which Huffman-codes and indexes) send
/// h2c requests our decoder reads and get responses our encoder wrote; Kestrel reads requests our encoder wrote and answers with its own dynamic-table
/// encoding, which our decoder reads.
/// </summary>
public sealed class HpackInteropTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Decode_HttpClientH2cRequests_GiveTheSentFieldsAndClientReadsOurResponses()
    {
        using var cts = new CancellationTokenSource(Patience);
        using var listener = Listen(out var port);
        using var client = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var decoder = new HpackDecoder();
        var encoder = new HpackEncoder();

        var first = client.SendAsync(Request(port, "/shop/cart?id=1", "v2"), cts.Token);
        await using var stream = await AcceptAsync(listener, cts.Token);

        for (var call = 1; call <= 3; call++)
        {
            var response = call == 1 ? first : client.SendAsync(Request(port, $"/shop/cart?id={call}", $"v{call + 1}"), cts.Token);
            var (streamId, block, _) = await ReadHeaderBlockAsync(stream, cts.Token);
            var (error, fields) = HpackFields.Decode(decoder, block);

            Assert.Equal(HpackError.None, error);
            Assert.Contains((":method", "GET"), fields);
            Assert.Contains((":scheme", "http"), fields);
            Assert.Contains((":authority", $"127.0.0.1:{port}"), fields);
            Assert.Contains((":path", $"/shop/cart?id={call}"), fields);
            Assert.Contains(("x-canary", $"v{call + 1}"), fields);
            Assert.Contains(("authorization", "Bearer s3cret"), fields);
            Assert.Contains(("user-agent", "canaria-hpack-test/1.0"), fields);

            var answer = new ArrayBufferWriter<byte>();
            encoder.BeginBlock(answer);
            encoder.EncodeStatus(200, answer);
            encoder.Encode("x-served-by"u8, Encoding.ASCII.GetBytes($"v{call}"), answer);
            encoder.Encode("content-type"u8, "text/plain"u8, answer);
            await WriteAsync(stream, Headers, EndHeaders | EndStream, streamId, answer.WrittenMemory, cts.Token);
            using var result = await response;
            Assert.Equal(HttpStatusCode.OK, result.StatusCode);
            Assert.Equal($"v{call}", Assert.Single(result.Headers.GetValues("x-served-by")));
            Assert.Equal("text/plain", result.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Encode_RequestsToKestrel_KestrelReadsThemAndItsResponsesDecode()
    {
        using var cts = new CancellationTokenSource(Patience);
        await using var backend = await TestBackend.StartAsync("v1", Echo, http2Only: true);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPEndPoint.Parse(backend.Address), cts.Token);
        await using var stream = tcp.GetStream();
        await stream.WriteAsync(Preface.ToArray(), cts.Token);
        await WriteAsync(stream, Settings, 0, 0, ReadOnlyMemory<byte>.Empty, cts.Token);
        var decoder = new HpackDecoder();
        var encoder = new HpackEncoder();

        for (var call = 1; call <= 3; call++)
        {
            var block = new ArrayBufferWriter<byte>();
            encoder.BeginBlock(block);
            encoder.Encode(":method"u8, "POST"u8, block);
            encoder.Encode(":scheme"u8, "http"u8, block);
            encoder.Encode(":authority"u8, Encoding.ASCII.GetBytes(backend.Address), block);
            encoder.Encode(":path"u8, "/shop.Cart/AddItem"u8, block);
            encoder.Encode("x-tenant"u8, "blue"u8, block);
            encoder.Encode("x-call"u8, Encoding.ASCII.GetBytes(call.ToString(System.Globalization.CultureInfo.InvariantCulture)), block);
            encoder.Encode("authorization"u8, "Bearer token"u8, block);
            await WriteAsync(stream, Headers, EndHeaders | EndStream, (2 * call) - 1, block.WrittenMemory, cts.Token);

            var (streamId, answer, _) = await ReadHeaderBlockAsync(stream, cts.Token);
            var (error, fields) = HpackFields.Decode(decoder, answer);

            Assert.Equal((2 * call) - 1, streamId);
            Assert.Equal(HpackError.None, error);
            Assert.Equal((":status", "200"), fields[0]);
            Assert.Contains(("echo-x-tenant", "blue"), fields);
            Assert.Contains(("echo-x-call", $"{call}"), fields);
            Assert.Contains(("echo-authorization", "Bearer token"), fields);
            Assert.Contains(("echo-path", "/shop.Cart/AddItem"), fields);
        }

        Assert.True(decoder.Table.Count > 0, "Kestrel indexed nothing, so the test did not exercise references into the dynamic table");
    }

    [Fact]
    public async Task Decode_NghttpRequests_DecodeHuffmanAndDynamicTableReferences()
    {
        using var cts = new CancellationTokenSource(Patience);
        using var listener = Listen(out var port);
        var start = new ProcessStartInfo("nghttp") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in (string[])["-n", "-H", "x-canary: canary-version-two",
                     $"http://127.0.0.1:{port}/shop/cart/items?page=1", $"http://127.0.0.1:{port}/shop/cart/items?page=2"])
        {
            start.ArgumentList.Add(arg);
        }

        using var nghttp = Process.Start(start) ?? throw new InvalidOperationException("nghttp (Debian nghttp2-client) did not start");
        await using var stream = await AcceptAsync(listener, cts.Token);
        var decoder = new HpackDecoder();
        var encoder = new HpackEncoder();

        for (var page = 1; page <= 2; page++)
        {
            var (streamId, block, _) = await ReadHeaderBlockAsync(stream, cts.Token);
            var (error, fields) = HpackFields.Decode(decoder, block);

            Assert.Equal(HpackError.None, error);
            Assert.Contains((":method", "GET"), fields);
            Assert.Contains((":path", $"/shop/cart/items?page={page}"), fields);
            Assert.Contains((":authority", $"127.0.0.1:{port}"), fields);
            Assert.Contains(("x-canary", "canary-version-two"), fields);
            Assert.DoesNotContain("/shop/cart/items", Encoding.Latin1.GetString(block), StringComparison.Ordinal); // sent Huffman-coded

            var answer = new ArrayBufferWriter<byte>();
            encoder.BeginBlock(answer);
            encoder.EncodeStatus(200, answer);
            await WriteAsync(stream, Headers, EndHeaders | EndStream, streamId, answer.WrittenMemory, cts.Token);
        }

        await nghttp.WaitForExitAsync(cts.Token);
        Assert.True(nghttp.ExitCode == 0, await nghttp.StandardOutput.ReadToEndAsync(cts.Token) + await nghttp.StandardError.ReadToEndAsync(cts.Token));
        Assert.True(decoder.Table.Count > 0, "nghttp indexed nothing, so the test did not exercise references into the dynamic table");
    }

    private static HttpRequestMessage Request(int port, string path, string canary)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, $"http://127.0.0.1:{port}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("x-canary", canary);
        request.Headers.TryAddWithoutValidation("authorization", "Bearer s3cret");
        request.Headers.TryAddWithoutValidation("user-agent", "canaria-hpack-test/1.0");
        return request;
    }

    private static Task Echo(HttpContext context)
    {
        foreach (var (name, value) in context.Request.Headers)
        {
            if (name.StartsWith("x-", StringComparison.Ordinal) || name.Equals("authorization", StringComparison.OrdinalIgnoreCase))
            {
                context.Response.Headers["echo-" + name.ToLowerInvariant()] = value;
            }
        }

        context.Response.Headers["echo-path"] = context.Request.Path.Value;
        return Task.CompletedTask;
    }
}
