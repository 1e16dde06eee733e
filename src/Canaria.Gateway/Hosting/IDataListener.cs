using System.Net.Sockets;

namespace Canaria.Gateway.Hosting;

/// <summary>A live data-plane listener: Kestrel's (<see cref="ListenerServer"/>) or the fast path's (<see cref="FastPath.FastListener"/>).</summary>
internal interface IDataListener : IAsyncDisposable
{
    string Name { get; }

    string ConfiguredAddress { get; }

    /// <summary>The real address (port 0 resolved), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    Uri BoundAddress { get; }

    /// <summary>The listening socket; handed to a successor gateway process on a zero-downtime restart.</summary>
    Socket ListenSocket { get; }
}
