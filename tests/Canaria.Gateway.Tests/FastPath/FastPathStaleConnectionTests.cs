using System.Net.Sockets;
using System.Text;
using Canaria.Gateway.Tests.Forwarding;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>
/// Pooled upstream connections the upstream closes while they are idle: a request must not fail because of it, and a
/// request the gateway cannot send again whole (its body was streamed, or the upstream began to answer) must never be
/// sent twice.
/// </summary>
public sealed class FastPathStaleConnectionTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task Forward_PostsWhileNginxClosesIdleConnectionsEvery5ms_NoneFailsAndEachServedOnce()
    {
        const int Clients = 12;
        const int PerClient = 120;
        await using var nginx = await NginxBackend.StartAsync(TimeSpan.FromMilliseconds(5));
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion(nginx.Address), fastPath: true);
        var listener = gw.Host.ListenerAddresses["main"];

        // Pauses of 0-12 ms around nginx's 5 ms keep-alive timeout: pooled connections are reused just before, at and
        // after the moment nginx closes them.
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            using var client = await RawHttpClient.ConnectAsync(listener);
            for (var i = 0; i < PerClient; i++)
            {
                var body = new string('p', random.Next(1, 2000));
                await client.SendAsync($"POST /orders HTTP/1.1\r\nHost: shop\r\nContent-Length: {body.Length}\r\n\r\n{body}");
                var response = await client.ReadResponseAsync(Patience);
                if (!response.StartsWith("HTTP/1.1 200", StringComparison.Ordinal) || !response.EndsWith("ok", StringComparison.Ordinal))
                {
                    lock (failures) failures.Add(response);
                    return;
                }

                await Task.Delay(random.Next(0, 13));
            }
        })));

        Assert.Empty(failures);
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(5));
        Assert.Equal(((long)Clients * PerClient, 0L), (signals.Requests, signals.Failures));
        Assert.Equal(Clients * PerClient, nginx.Served);
    }

    /// <summary>
    /// The first POST meets a pooled connection the upstream drops after reading all of it (as when its idle close
    /// crosses the request). Sent again on a new connection only when the gateway held the whole body and not one byte
    /// of the response came; a body streamed from the client, or a response cut after its first bytes, answers 502 and
    /// reaches the upstream once.
    /// </summary>
    [Theory]
    [InlineData("held", 200, 2)]
    [InlineData("streamed", 502, 1)]
    [InlineData("answer-begun", 502, 1)]
    public async Task Forward_RequestOnConnectionUpstreamDropsAfterReading_RetriedOnlyWhenSafe(string mode, int status, int posts)
    {
        var received = 0;
        var streamedHeadSeen = new TaskCompletionSource();
        await using var upstream = RawUpstream.Start(async (stream, stop) =>
        {
            var reader = new HeadReader(stream);
            while (await reader.ReadRequestAsync(method => { if (method == "POST" && mode == "streamed") streamedHeadSeen.TrySetResult(); }, stop) is { } method)
            {
                if (method == "POST" && Interlocked.Increment(ref received) == 1)
                {
                    if (mode == "answer-begun") await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Le"u8.ToArray(), stop);
                    return; // closes the connection
                }

                await stream.WriteAsync("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"u8.ToArray(), stop);
            }
        });
        await using var gw = await GatewayTestHost.StartAsync(ClientErrorTests.OneVersion($"127.0.0.1:{upstream.Port}"), fastPath: true);
        using var client = await RawHttpClient.ConnectAsync(gw.Host.ListenerAddresses["main"]);
        await client.SendAsync("GET / HTTP/1.1\r\nHost: shop\r\n\r\n");
        Assert.StartsWith("HTTP/1.1 200", await client.ReadResponseAsync(Patience)); // the upstream connection is now pooled

        if (mode == "streamed")
        {
            await client.SendAsync("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 10\r\n\r\n01234");
            await streamedHeadSeen.Task.WaitAsync(Patience);
            await client.SendAsync("56789");
        }
        else
        {
            await client.SendAsync("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 10\r\n\r\n0123456789");
        }

        var response = await client.ReadResponseAsync(Patience);
        Assert.True(response.StartsWith($"HTTP/1.1 {status}", StringComparison.Ordinal), response);
        Assert.Equal(posts, Volatile.Read(ref received));
    }

    /// <summary>Reads requests off an upstream connection: the head, then exactly Content-Length body bytes.</summary>
    private sealed class HeadReader(NetworkStream stream)
    {
        private readonly List<byte> _received = [];
        private readonly byte[] _buffer = new byte[4096];

        /// <summary>The method of the next whole request, or null when the gateway closed the connection.</summary>
        public async Task<string?> ReadRequestAsync(Action<string> onHead, CancellationToken stop)
        {
            int end;
            while ((end = IndexOfHeadEnd()) < 0)
            {
                if (!await ReadMoreAsync(stop)) return null;
            }

            var head = Encoding.ASCII.GetString([.. _received[..end]]);
            var method = head[..head.IndexOf(' ', StringComparison.Ordinal)];
            onHead(method);
            var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
                .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();
            while (_received.Count < end + 4 + length)
            {
                if (!await ReadMoreAsync(stop)) return null;
            }

            _received.RemoveRange(0, end + 4 + length);
            return method;
        }

        private int IndexOfHeadEnd()
        {
            for (var i = 0; i + 3 < _received.Count; i++)
            {
                if (_received[i] == '\r' && _received[i + 1] == '\n' && _received[i + 2] == '\r' && _received[i + 3] == '\n') return i;
            }

            return -1;
        }

        private async Task<bool> ReadMoreAsync(CancellationToken stop)
        {
            var read = await stream.ReadAsync(_buffer, stop);
            _received.AddRange(_buffer.AsSpan(0, read));
            return read > 0;
        }
    }
}
