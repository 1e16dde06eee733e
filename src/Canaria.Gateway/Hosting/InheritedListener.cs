using System.Net.Sockets;

namespace Canaria.Gateway.Hosting;

/// <summary>A listening socket that outlives the gateway process that bound it: named like the listener it serves.</summary>
internal sealed record InheritedListener(string Name, string ConfiguredAddress, Socket Socket);
