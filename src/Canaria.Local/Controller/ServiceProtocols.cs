using Canaria.Core.Model;
using Canaria.Gateway.Config;

namespace Canaria.Local.Controller;

/// <summary>What a rollout's <c>spec.service</c> protocol and TLS mean for its gateway listener, versions and signals.</summary>
internal static class ServiceProtocols
{
    /// <summary>
    /// With TLS, a listener offers HTTP/1.1 and HTTP/2 by ALPN; without, HTTP/2 services get an h2c listener (what gRPC
    /// clients on http:// speak) and plain HTTP services an HTTP/1.1 one.
    /// </summary>
    public static ListenerConfig Listener(string name, ServiceSpec service) => new()
    {
        Name = name,
        Address = service.Listen,
        Protocols = service.Tls is null && service.Protocol != ServiceProtocol.Http ? ListenerProtocols.Http2 : ListenerProtocols.Http1AndHttp2,
        Tls = service.Tls is { } tls ? new ListenerTlsConfig { CertificateFile = tls.CertificateFile, KeyFile = tls.KeyFile } : null,
    };

    public static UpstreamProtocol Upstream(ServiceSpec service) =>
        service.Protocol == ServiceProtocol.Http ? UpstreamProtocol.Http1 : UpstreamProtocol.Http2;

    public static GrpcConfig? Grpc(ServiceSpec service) =>
        service.Protocol == ServiceProtocol.Grpc ? new GrpcConfig { FailureCodes = service.GrpcFailureCodes } : null;
}
