namespace Canaria.Core.Model;

internal sealed record ServiceSpec
{
    public string Name { get; init; } = "";

    /// <summary>Address the gateway listens on for this service, e.g. 127.0.0.1:8080 (port 0 = any free port).</summary>
    public string Listen { get; init; } = "127.0.0.1:8080";

    public IReadOnlyList<string> Hosts { get; init; } = [];

    public string PathPrefix { get; init; } = "/";

    /// <summary>Clients that were served by the canary keep it while its weight is above zero.</summary>
    public bool Sticky { get; init; }

    /// <summary>Response header naming the version that served; empty turns it off.</summary>
    public string VersionHeader { get; init; } = "x-canaria-version";

    /// <summary>What the service speaks: plain HTTP (the default), HTTP/2, or gRPC (HTTP/2 with gRPC-aware signals).</summary>
    public ServiceProtocol Protocol { get; init; } = ServiceProtocol.Http;

    /// <summary>TLS termination on the service's listener; null: plain TCP.</summary>
    public ServiceTlsSpec? Tls { get; init; }

    /// <summary>gRPC status codes that count as failures of a version (gRPC only); null: the gateway's default set.</summary>
    public IReadOnlyList<string>? GrpcFailureCodes { get; init; }
}
