using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Canaria.Tests.Shared;

/// <summary>What a server answered to a chunked upload, how long it took, and how much of the body had been sent by then.</summary>
internal sealed record ChunkedAnswer(int Status, string Body, TimeSpan Elapsed, long BytesSentBeforeAnswer, string? Error);

/// <summary>
/// Sends a large request body with <c>Transfer-Encoding: chunked</c> (no Content-Length) over a raw socket and reads the
/// answer while the body is still being written, as a client that does not stop for an early answer would.
/// </summary>
internal static class ChunkedUpload
{
    public static async Task<ChunkedAnswer> SendAsync(Uri address, string method, string path, string? bearerToken, long bodyBytes, byte fill = (byte)'a')
    {
        using var client = new TcpClient();
        await client.ConnectAsync(address.Host, address.Port);
        var stream = client.GetStream();
        var head = $"{method} {path} HTTP/1.1\r\nHost: {address.Authority}\r\n"
            + (bearerToken is null ? "" : $"Authorization: Bearer {bearerToken}\r\n")
            + "Content-Type: application/yaml\r\nTransfer-Encoding: chunked\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(head));

        var clock = Stopwatch.StartNew();
        long sent = 0;
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            var chunk = new byte[64 * 1024];
            Array.Fill(chunk, fill);
            var size = Encoding.ASCII.GetBytes(chunk.Length.ToString("X", CultureInfo.InvariantCulture) + "\r\n");
            var crlf = "\r\n"u8.ToArray();
            try
            {
                while (Interlocked.Read(ref sent) < bodyBytes)
                {
                    await stream.WriteAsync(size, stop.Token);
                    await stream.WriteAsync(chunk, stop.Token);
                    await stream.WriteAsync(crlf, stop.Token);
                    Interlocked.Add(ref sent, chunk.Length);
                }
                await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), stop.Token);
            }
            catch (Exception e) when (e is IOException or OperationCanceledException or ObjectDisposedException)
            {
                // the server stopped reading and closed: expected once it has answered
            }
        });

        try
        {
            var reader = new ResponseReader(stream);
            var status = await reader.ReadHeadAsync();
            var sentBeforeAnswer = Interlocked.Read(ref sent);
            var body = await reader.ReadBodyAsync();
            return new ChunkedAnswer(status, body, clock.Elapsed, sentBeforeAnswer, null);
        }
        catch (Exception e) when (e is IOException or FormatException)
        {
            return new ChunkedAnswer(0, "", clock.Elapsed, Interlocked.Read(ref sent), e.Message);
        }
        finally
        {
            await stop.CancelAsync();
            client.Close();
            await writer;
        }
    }

    private sealed class ResponseReader(Stream stream)
    {
        private readonly byte[] _buffer = new byte[16 * 1024];
        private readonly Dictionary<string, string> _headers = new(StringComparer.OrdinalIgnoreCase);
        private int _pos;
        private int _len;

        public async Task<int> ReadHeadAsync()
        {
            var statusLine = await ReadLineAsync() ?? throw new IOException("the connection closed before an answer");
            var status = int.Parse(statusLine.Split(' ')[1], CultureInfo.InvariantCulture);
            for (var line = await ReadLineAsync(); !string.IsNullOrEmpty(line); line = await ReadLineAsync())
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                _headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
            }
            return status;
        }

        public async Task<string> ReadBodyAsync()
        {
            var body = new MemoryStream();
            if (_headers.TryGetValue("Transfer-Encoding", out var te) && te.Contains("chunked", StringComparison.OrdinalIgnoreCase))
            {
                while (int.Parse((await ReadLineAsync() ?? "0").Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture) is var n and > 0)
                {
                    await CopyAsync(body, n);
                    await ReadLineAsync();
                }
            }
            else if (_headers.TryGetValue("Content-Length", out var cl))
            {
                await CopyAsync(body, int.Parse(cl, CultureInfo.InvariantCulture));
            }
            return Encoding.UTF8.GetString(body.ToArray());
        }

        private async Task CopyAsync(MemoryStream to, int count)
        {
            for (var i = 0; i < count; i++)
            {
                var b = await ReadByteAsync();
                if (b < 0) throw new IOException("the connection closed inside the answer's body");
                to.WriteByte((byte)b);
            }
        }

        private async Task<string?> ReadLineAsync()
        {
            var sb = new StringBuilder();
            while (true)
            {
                var b = await ReadByteAsync();
                if (b < 0) return sb.Length == 0 ? null : sb.ToString();
                if (b == '\n') return sb.ToString().TrimEnd('\r');
                sb.Append((char)b);
            }
        }

        private async ValueTask<int> ReadByteAsync()
        {
            if (_pos == _len)
            {
                _len = await stream.ReadAsync(_buffer);
                _pos = 0;
                if (_len == 0) return -1;
            }
            return _buffer[_pos++];
        }
    }
}
