using System.Net.Sockets;
using System.Text;

namespace Canaria.Gateway.Tests.FastPath;

/// <summary>Reads requests off an upstream connection as a test upstream sees them: a head, then Content-Length body bytes.</summary>
internal sealed class UpstreamRequestReader(NetworkStream stream)
{
    private readonly List<byte> _received = [];
    private readonly byte[] _buffer = new byte[64 * 1024];

    /// <summary>The next head's method and target ("POST /once") and its Content-Length (0 when none); null when the gateway closed.</summary>
    public async Task<(string Line, int Length)?> ReadHeadAsync(CancellationToken stop)
    {
        int end;
        while ((end = IndexOfHeadEnd()) < 0)
        {
            if (!await ReadMoreAsync(stop)) return null;
        }

        var head = Encoding.ASCII.GetString([.. _received[..end]]);
        _received.RemoveRange(0, end + 4);
        var requestLine = head[..head.IndexOf("\r\n", StringComparison.Ordinal)].Split(' ');
        var length = head.Split("\r\n").Where(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            .Select(l => int.Parse(l["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture)).SingleOrDefault();
        return ($"{requestLine[0]} {requestLine[1]}", length);
    }

    /// <summary>Reads and drops <paramref name="count"/> body bytes; false when the gateway closed first.</summary>
    public async Task<bool> SkipAsync(int count, CancellationToken stop)
    {
        while (_received.Count < count)
        {
            if (!await ReadMoreAsync(stop)) return false;
        }

        _received.RemoveRange(0, count);
        return true;
    }

    /// <summary>The next whole request's method and target, or null when the gateway closed the connection.</summary>
    public async Task<string?> ReadRequestAsync(Action<string> onHead, CancellationToken stop)
    {
        if (await ReadHeadAsync(stop) is not { } head) return null;
        onHead(head.Line);
        return await SkipAsync(head.Length, stop) ? head.Line : null;
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
