using System.Collections.Concurrent;
using System.Net;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// The real client of each connection a fast-path listener hands to its internal Kestrel servers, keyed by the local
/// port of the loopback socket the fast path opens for it (the port Kestrel sees as the remote one). The port is
/// registered before that socket connects and removed when the tunnel ends, so Kestrel's connection middleware always
/// finds it; only this process registers, so another local process that connects to an internal server directly is
/// seen as what it is (127.0.0.1).
/// </summary>
internal sealed class HandedOffClients
{
    private readonly ConcurrentDictionary<int, IPEndPoint> _clients = new();

    public void Add(int localPort, IPEndPoint client) => _clients[localPort] = client;

    public void Remove(int localPort) => _clients.TryRemove(localPort, out _);

    /// <summary>The client behind a connection from <paramref name="remote"/> (a loopback address and port), if it was handed off.</summary>
    public bool TryGet(EndPoint? remote, out IPEndPoint client)
    {
        client = null!;
        return remote is IPEndPoint { Address: var address, Port: var port } && IPAddress.IsLoopback(address) && _clients.TryGetValue(port, out client!);
    }
}
