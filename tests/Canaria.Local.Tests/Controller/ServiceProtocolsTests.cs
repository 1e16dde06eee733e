using Canaria.Core.Model;
using Canaria.Gateway.Config;
using Canaria.Local.Controller;

namespace Canaria.Local.Tests.Controller;

public sealed class ServiceProtocolsTests
{
    [Theory]
    [InlineData("Http", false, "Http1AndHttp2", "Http1", false)]
    [InlineData("Http2", false, "Http2", "Http2", false)]
    [InlineData("Grpc", false, "Http2", "Http2", true)]
    [InlineData("Grpc", true, "Http1AndHttp2", "Http2", true)]
    public void Listener_ServiceProtocolAndTls_MapToListenerVersionsAndSignals(string protocolName, bool tls, string listenerName, string upstreamName, bool grpc)
    {
        var protocol = Enum.Parse<ServiceProtocol>(protocolName);
        var listener = Enum.Parse<ListenerProtocols>(listenerName);
        var upstream = Enum.Parse<UpstreamProtocol>(upstreamName);
        var service = new ServiceSpec
        {
            Name = "shop",
            Protocol = protocol,
            Tls = tls ? new ServiceTlsSpec { CertificateFile = "/etc/c.pem", KeyFile = "/etc/k.pem" } : null,
            GrpcFailureCodes = grpc ? ["UNAVAILABLE"] : null,
        };

        var config = ServiceProtocols.Listener("shop", service);

        Assert.Equal(listener, config.Protocols);
        Assert.Equal(tls ? new ListenerTlsConfig { CertificateFile = "/etc/c.pem", KeyFile = "/etc/k.pem" } : null, config.Tls);
        Assert.Equal(upstream, ServiceProtocols.Upstream(service));
        Assert.Equal(grpc ? ["UNAVAILABLE"] : null, ServiceProtocols.Grpc(service)?.FailureCodes);
    }
}
