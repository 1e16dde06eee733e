using System.Net;
using System.Security.Cryptography.X509Certificates;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Protocols;

/// <summary>HTTP/2 in (h2c and TLS with ALPN) and out (h2c to backends), and TLS certificates rotated under traffic.</summary>
public sealed class Http2AndTlsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("canaria-tls-").FullName;

    [Fact]
    public async Task Http2_CleartextListenerForHttp2_ServesPriorKnowledgeClientsOverHttp2()
    {
        await using var v1 = await TestBackend.StartAsync("v1", ctx => ctx.Response.WriteAsync(ctx.Request.Protocol));
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0);
        await using var gw = await GatewayTestHost.StartAsync(config with { Listeners = [config.Listeners[0] with { Protocols = ListenerProtocols.Http2 }] });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/") { Version = HttpVersion.Version20, VersionPolicy = HttpVersionPolicy.RequestVersionExact };

        using var response = await gw.Client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("HTTP/1.1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Http2_VersionProtocolHttp2_BackendIsSpokenToOverH2c()
    {
        await using var h2 = await TestBackend.StartAsync("h2", ctx => ctx.Response.WriteAsync(ctx.Request.Protocol), http2Only: true);
        var config = Configs.TwoVersions(h2.Address, 1, h2.Address, 0);
        var service = config.Services[0];
        await using var gw = await GatewayTestHost.StartAsync(config);

        // Not told, the gateway speaks HTTP/1.1, which an HTTP/2-only backend refuses; told, it speaks h2c.
        using var unset = await gw.Client.GetAsync("/");
        Assert.True(gw.Runtime.Apply(config with { Services = [service with { Versions = [service.Versions[0] with { Protocol = UpstreamProtocol.Http2 }, service.Versions[1]] }] }).Accepted);
        using var response = await gw.Client.GetAsync("/");

        Assert.NotEqual(HttpStatusCode.OK, unset.StatusCode);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("HTTP/2", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpVersion.Version11, response.Version);
    }

    [Fact]
    public async Task Tls_CertificateRotatedMidTraffic_NoRequestFailsAndNewHandshakesGetTheNewOne()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        using var first = TestCertificates.Create("canaria-first");
        using var second = TestCertificates.Create("canaria-second");
        var (certFile, keyFile) = (Path.Combine(_dir, "tls.crt"), Path.Combine(_dir, "tls.key"));
        TestCertificates.Write(first, certFile, keyFile);
        var config = TlsConfig(v1.Address, certFile, keyFile);
        await using var gw = await GatewayTestHost.StartAsync(config);
        var address = gw.Host.ListenerAddresses["main"];
        Assert.Equal("https", address.Scheme);

        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, int>();
        long ok = 0, failed = 0;
        var errors = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var stop = new CancellationTokenSource();
        async Task Load(bool http2)
        {
            while (!stop.IsCancellationRequested)
            {
                // A new client per request: every request is a new TLS handshake.
                using var client = new HttpClient(new SocketsHttpHandler
                {
                    SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => { seen.AddOrUpdate(((X509Certificate2)cert!).Subject, 1, (_, n) => n + 1); return true; } },
                });
                try
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, address) { Version = http2 ? HttpVersion.Version20 : HttpVersion.Version11, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                    using var response = await client.SendAsync(request);
                    var body = await response.Content.ReadAsStringAsync();
                    Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK && body == "v1" ? ref ok : ref failed);
                }
                catch (HttpRequestException e)
                {
                    Interlocked.Increment(ref failed);
                    errors.Enqueue(e.Message);
                }
            }
        }

        var workers = new[] { Task.Run(() => Load(true)), Task.Run(() => Load(false)), Task.Run(() => Load(true)) };
        await Wait.UntilAsync(() => Interlocked.Read(ref ok) >= 30, TimeSpan.FromSeconds(20), "traffic on the first certificate");

        // Rotated the way tools write files: certificate, then key, in place (for a moment they do not match).
        TestCertificates.Write(second, certFile, keyFile);
        await Wait.UntilAsync(() => seen.GetValueOrDefault("CN=canaria-second") >= 30, TimeSpan.FromSeconds(20), "handshakes with the rotated certificate");
        await stop.CancelAsync();
        await Task.WhenAll(workers);

        Assert.True(Interlocked.Read(ref failed) == 0, $"{failed} requests failed: {string.Join("; ", errors.Take(3))}");
        Assert.True(seen.GetValueOrDefault("CN=canaria-first") >= 30);
    }

    [Fact]
    public async Task Tls_Http2ClientOverTls_NegotiatesHttp2ByAlpn()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        using var certificate = TestCertificates.Create("canaria-alpn");
        var (certFile, keyFile) = (Path.Combine(_dir, "a.crt"), Path.Combine(_dir, "a.key"));
        TestCertificates.Write(certificate, certFile, keyFile);
        await using var gw = await GatewayTestHost.StartAsync(TlsConfig(v1.Address, certFile, keyFile));
        using var client = new HttpClient(new SocketsHttpHandler { SslOptions = { RemoteCertificateValidationCallback = (_, cert, _, _) => cert?.GetCertHashString() == certificate.Thumbprint } });
        using var request = new HttpRequestMessage(HttpMethod.Get, gw.Host.ListenerAddresses["main"]) { Version = HttpVersion.Version20 };

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpVersion.Version20, response.Version);
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Tls_KeyFileMissingOrTlsToggledOnBoundListener_RejectedAndOldConfigStays()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(Configs.TwoVersions(v1.Address, 1, v1.Address, 0));
        using var certificate = TestCertificates.Create("canaria-bad");
        var (certFile, keyFile) = (Path.Combine(_dir, "b.crt"), Path.Combine(_dir, "b.key"));
        TestCertificates.Write(certificate, certFile, keyFile);

        var missing = gw.Runtime.Apply(TlsConfig(v1.Address, certFile, Path.Combine(_dir, "nope.key")) with { Listeners = [new ListenerConfig { Name = "other", Address = "127.0.0.1:0", Tls = new ListenerTlsConfig { CertificateFile = certFile, KeyFile = Path.Combine(_dir, "nope.key") } }] });
        var toggled = gw.Runtime.Apply(TlsConfig(v1.Address, certFile, keyFile));

        Assert.Contains(missing.Errors, e => e.Field == "listeners[0].tls.certificateFile");
        Assert.Contains(toggled.Errors, e => e.Field == "listeners[0].tls");
        using var response = await gw.Client.GetAsync("/");
        Assert.Equal("v1", await response.Content.ReadAsStringAsync());
    }

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static GatewayConfig TlsConfig(string backend, string certFile, string keyFile)
    {
        var config = Configs.TwoVersions(backend, 1, backend, 0);
        return config with
        {
            Listeners = [config.Listeners[0] with { Tls = new ListenerTlsConfig { CertificateFile = certFile, KeyFile = keyFile, ReloadInterval = TimeSpan.FromMilliseconds(200) } }],
        };
    }
}
