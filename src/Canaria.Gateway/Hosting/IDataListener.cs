using System.Net.Sockets;
using Canaria.Gateway.Config;

namespace Canaria.Gateway.Hosting;

/// <summary>A live data-plane listener: Kestrel's (<see cref="ListenerServer"/>) or the fast path's (<see cref="FastPath.FastListener"/>).</summary>
internal interface IDataListener : IAsyncDisposable
{
    string Name { get; }

    string ConfiguredAddress { get; }

    /// <summary>The protocols it was started with; a bound listener cannot change them (<see cref="ListenerChange"/>).</summary>
    ListenerProtocols Protocols { get; }

    /// <summary>The certificate it serves; null for plain TCP (always null on the fast path, which serves plain TCP only).</summary>
    CertificateReloader? Tls { get; }

    /// <summary>The real address (port 0 resolved), e.g. <c>http://127.0.0.1:41234</c>.</summary>
    Uri BoundAddress { get; }

    /// <summary>The listening socket; handed to a successor gateway process on a zero-downtime restart.</summary>
    Socket ListenSocket { get; }
}
