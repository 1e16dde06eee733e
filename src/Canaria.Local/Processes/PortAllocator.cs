using System.Net;
using System.Net.Sockets;

namespace Canaria.Local.Processes;

/// <summary>
/// Picks free 127.0.0.1 ports (bind to port 0, read, release) and avoids handing out the same port twice
/// within a short time, since the replica binds it only later.
/// </summary>
internal sealed class PortAllocator(TimeProvider time)
{
    private static readonly TimeSpan Quarantine = TimeSpan.FromSeconds(60);
    private readonly Dictionary<int, DateTimeOffset> _recent = [];

    /// <summary>Not thread-safe: called under the supervisor's lock.</summary>
    public int Allocate(IReadOnlySet<int> inUse)
    {
        var now = time.GetUtcNow();
        foreach (var (port, at) in _recent.ToArray())
        {
            if (now - at > Quarantine)
                _recent.Remove(port);
        }
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            if (!_recent.ContainsKey(port) && !inUse.Contains(port))
            {
                _recent[port] = now;
                return port;
            }
        }
        throw new InvalidOperationException("no free 127.0.0.1 port found after 20 attempts");
    }
}
