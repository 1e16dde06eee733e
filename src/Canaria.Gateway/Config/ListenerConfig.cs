namespace Canaria.Gateway.Config;

/// <summary>A data-plane listener: <c>address</c> is <c>ip:port</c> (port 0 picks a free port).</summary>
internal sealed record ListenerConfig
{
    public string Name { get; set; } = "";

    public string Address { get; set; } = "";

    public ListenerProtocols Protocols { get; set; } = ListenerProtocols.Http1AndHttp2;

    /// <summary>Null: plain TCP.</summary>
    public ListenerTlsConfig? Tls { get; init; }
}
