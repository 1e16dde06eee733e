using System.Net.Sockets;
using System.Text;

namespace Canaria.Gateway.Tests.Support;

/// <summary>One real TCP connection that writes whatever bytes a test gives it, malformed HTTP included.</summary>
internal sealed class RawHttpClient : IDisposable
{
    private readonly TcpClient _tcp = new();

    private RawHttpClient()
    {
    }

    /// <param name="from">A local address to connect from (e.g. 127.0.0.2, so the gateway's client address is not its own).</param>
    public static async Task<RawHttpClient> ConnectAsync(Uri listener, System.Net.IPAddress? from = null)
    {
        var client = new RawHttpClient();
        if (from is not null) client._tcp.Client.Bind(new System.Net.IPEndPoint(from, 0));
        await client._tcp.ConnectAsync(listener.Host, listener.Port);
        return client;
    }

    public int LocalPort => ((System.Net.IPEndPoint)_tcp.Client.LocalEndPoint!).Port;

    public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

    public Task SendAsync(byte[] bytes) => _tcp.GetStream().WriteAsync(bytes).AsTask();

    /// <summary>Reads until the server closes the connection or a complete response with Content-Length has arrived.</summary>
    public async Task<string> ReadResponseAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        var stream = _tcp.GetStream();
        while (!IsComplete(received.ToString()))
        {
            var read = await stream.ReadAsync(buffer, cts.Token);
            if (read == 0)
            {
                break;
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        return received.ToString();
    }

    /// <summary>Reads until the server closes the connection (or resets it: what arrived until then is returned).</summary>
    public async Task<string> ReadToEndAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var received = new StringBuilder();
        var buffer = new byte[4096];
        var stream = _tcp.GetStream();
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cts.Token)) > 0)
            {
                received.Append(Encoding.ASCII.GetString(buffer, 0, read));
            }
        }
        catch (IOException)
        {
        }

        return received.ToString();
    }

    /// <summary>Closes the connection abruptly (RST), as a crashing or impatient client does.</summary>
    public void Abort()
    {
        _tcp.Client.LingerState = new LingerOption(true, 0);
        _tcp.Close();
    }

    public void Dispose() => _tcp.Dispose();

    private static bool IsComplete(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0)
        {
            return false;
        }

        foreach (var line in text[..end].Split("\r\n"))
        {
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                return text.Length - end - 4 >= int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return text.EndsWith("\r\n0\r\n\r\n", StringComparison.Ordinal);
    }
}
