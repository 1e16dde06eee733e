using Canaria.Gateway.Config;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Tests.Forwarding;

/// <summary>
/// Requests the client broke, sent over real sockets: they are client errors, never a version's requests,
/// failures or latency, and the version keeps serving good requests next to them.
/// </summary>
public sealed class ClientErrorTests
{
    private const int Count = 20;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Forward_MalformedChunkedBody_Answers400AndCountsBadBodyClientErrors()
    {
        await using var v1 = await TestBackend.StartAsync("v1", EchoBodyLengthAsync);
        await using var gw = await GatewayTestHost.StartAsync(OneVersion(v1.Address));
        var listener = gw.Host.ListenerAddresses["main"];

        for (var i = 0; i < Count; i++)
        {
            using var client = await RawHttpClient.ConnectAsync(listener);
            await client.SendAsync("POST / HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n\r\n");
            var response = await client.ReadResponseAsync(Patience);
            Assert.StartsWith("HTTP/1.1 400", response);
            Assert.Contains("canaria gateway: the request body is malformed", response);
            Assert.DoesNotContain(v1.Address, response);
        }

        var good = await gw.SendManyAsync(10, concurrency: 2);
        Assert.Equal(10, good.ByStatus[System.Net.HttpStatusCode.OK]);

        var recorder = Recorder(gw, "v1");
        Assert.Equal(Count, recorder.TotalClientErrors(ClientErrorKind.BadRequestBody));
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal((10L, 0L, (long)Count), (signals.Requests, signals.Failures, signals.ClientErrors));
        Assert.Equal(1.0, signals.SuccessRate);
        Assert.Equal(10, signals.Latency.Counts.Sum());
        Assert.Equal(0, recorder.TotalForClass(4) + recorder.TotalForClass(5));
    }

    [Fact]
    public async Task Forward_ClientDisconnectsMidBody_CountsClientErrorsNotFailures()
    {
        await using var v1 = await TestBackend.StartAsync("v1", EchoBodyLengthAsync);
        await using var gw = await GatewayTestHost.StartAsync(OneVersion(v1.Address));
        var listener = gw.Host.ListenerAddresses["main"];

        for (var i = 0; i < Count; i++)
        {
            var client = await RawHttpClient.ConnectAsync(listener);
            await client.SendAsync(i % 2 == 0
                ? "POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 1000\r\n\r\n0123456789"
                : "POST / HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
            var reached = i + 1;
            await Wait.UntilAsync(() => v1.Hits == reached, Patience, "the request to reach the backend");
            if (i % 4 < 2)
            {
                client.Dispose(); // FIN
            }
            else
            {
                client.Abort(); // RST
            }
        }

        await Wait.UntilAsync(() => TotalClientErrors(Recorder(gw, "v1")) == Count, Patience, () => $"{Count} client errors, have {TotalClientErrors(Recorder(gw, "v1"))}");
        var recorder = Recorder(gw, "v1");
        Assert.Equal(0, recorder.TotalClientErrors(ClientErrorKind.NoRoute));
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal((0L, 0L, (long)Count), (signals.Requests, signals.Failures, signals.ClientErrors));
        Assert.Null(signals.SuccessRate);
        Assert.Equal("v1:3", await PostAsync(gw, "abc"));
    }

    [Fact]
    public async Task Forward_ClientAbortsWhileUpstreamIsSlow_CountsAbortedClientErrors()
    {
        await using var slow = await TestBackend.StartAsync("v1", ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        await using var gw = await GatewayTestHost.StartAsync(OneVersion(slow.Address));
        var listener = gw.Host.ListenerAddresses["main"];

        for (var i = 0; i < Count; i++)
        {
            var client = await RawHttpClient.ConnectAsync(listener);
            await client.SendAsync("GET /slow HTTP/1.1\r\nHost: shop\r\n\r\n");
            var reached = i + 1;
            await Wait.UntilAsync(() => slow.Hits == reached, Patience, "the request to reach the backend");
            client.Abort();
        }

        await Wait.UntilAsync(() => Recorder(gw, "v1").TotalClientErrors(ClientErrorKind.Aborted) == Count, Patience,
            () => $"{Count} aborted client errors, have {Recorder(gw, "v1").TotalClientErrors(ClientErrorKind.Aborted)}");
        await Wait.UntilAsync(() => slow.Cancelled == Count, Patience, "the backend to see every cancellation");
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal((0L, 0L, (long)Count), (signals.Requests, signals.Failures, signals.ClientErrors));
        Assert.Empty(signals.Latency.Counts);
    }

    [Fact]
    public async Task Forward_ClientStallsMidBodyPastRequestTimeout_Answers408AsClientError()
    {
        await using var v1 = await TestBackend.StartAsync("v1", EchoBodyLengthAsync);
        await using var gw = await GatewayTestHost.StartAsync(OneVersion(v1.Address, s => s with { Timeouts = new TimeoutConfig { Request = TimeSpan.FromMilliseconds(300) } }));
        var listener = gw.Host.ListenerAddresses["main"];

        for (var i = 0; i < 3; i++)
        {
            using var client = await RawHttpClient.ConnectAsync(listener);
            await client.SendAsync("POST / HTTP/1.1\r\nHost: shop\r\nContent-Length: 1000\r\n\r\n0123456789");
            var response = await client.ReadResponseAsync(Patience);
            Assert.StartsWith("HTTP/1.1 408", response);
            Assert.DoesNotContain(v1.Address, response);
        }

        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal((0L, 0L, 3L), (signals.Requests, signals.Failures, signals.ClientErrors));
    }

    [Fact]
    public async Task Forward_UpstreamHangsAfterTakingTheWholeBody_TimesOutAsTheVersionsFailure()
    {
        await using var hangs = await TestBackend.StartAsync("v1", async ctx =>
        {
            await ctx.Request.Body.CopyToAsync(Stream.Null, ctx.RequestAborted);
            await Task.Delay(Timeout.Infinite, ctx.RequestAborted);
        });
        await using var gw = await GatewayTestHost.StartAsync(OneVersion(hangs.Address, s => s with { Timeouts = new TimeoutConfig { Request = TimeSpan.FromMilliseconds(500) } }));

        // The client sent its whole body at once; the time that ran out was the upstream's, not the client's.
        using var response = await gw.Client.PostAsync("/", new ByteArrayContent(new byte[256 * 1024]));

        Assert.Equal(System.Net.HttpStatusCode.GatewayTimeout, response.StatusCode);
        Assert.Equal("canaria gateway: no answer within 500 ms\n", await response.Content.ReadAsStringAsync());
        var signals = gw.Runtime.Signals.Query("shop", "v1", TimeSpan.FromMinutes(1));
        Assert.Equal((1L, 1L, 0L), (signals.Requests, signals.Failures, signals.ClientErrors));
    }

    [Fact]
    public async Task Route_NoServiceMatches_Answers404AndCountsNoRouteOnTheListener()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var gw = await GatewayTestHost.StartAsync(OneVersion(v1.Address, s => s with { PathPrefix = "/shop" }));

        for (var i = 0; i < 3; i++)
        {
            using var response = await gw.Client.GetAsync("/elsewhere");
            Assert.Equal(System.Net.HttpStatusCode.NotFound, response.StatusCode);
        }

        var noRoute = gw.Runtime.Signals.Query("main", GoldenSignals.NoRouteVersion, TimeSpan.FromMinutes(1));
        Assert.Equal((0L, 3L), (noRoute.Requests, noRoute.ClientErrors));
        Assert.Equal(0, v1.Hits);
        var all = gw.Runtime.Signals.QueryAll(TimeSpan.FromMinutes(1));
        Assert.Contains(all, s => s.Service == "main" && s.Version == GoldenSignals.NoRouteVersion);
        Assert.Equal(0, all.Where(s => s.Service == "shop").Sum(s => s.Requests + s.ClientErrors));
    }

    [Fact]
    public async Task Metrics_ClientErrors_ExportedWithReasonLabelApartFromRequests()
    {
        await using var v1 = await TestBackend.StartAsync("v1", EchoBodyLengthAsync);
        await using var gw = await GatewayTestHost.StartAsync(OneVersion(v1.Address, s => s with { PathPrefix = "/shop" }));
        var listener = gw.Host.ListenerAddresses["main"];
        for (var i = 0; i < 3; i++)
        {
            using var client = await RawHttpClient.ConnectAsync(listener);
            await client.SendAsync("POST /shop HTTP/1.1\r\nHost: shop\r\nTransfer-Encoding: chunked\r\n\r\nZZZ\r\n\r\n");
            Assert.StartsWith("HTTP/1.1 400", await client.ReadResponseAsync(Patience));
        }

        (await gw.Client.GetAsync("/nothing-here")).Dispose();
        (await gw.Client.GetAsync("/shop")).Dispose();

        var text = await gw.Admin.GetStringAsync("/metrics");
        Assert.Contains("canaria_gateway_client_errors_total{service=\"shop\",version=\"v1\",reason=\"bad_request_body\"} 3\n", text);
        Assert.Contains("canaria_gateway_client_errors_total{service=\"main\",version=\"(no route)\",reason=\"no_route\"} 1\n", text);
        Assert.Contains("canaria_gateway_requests_total{service=\"shop\",version=\"v1\",code_class=\"2xx\"} 1\n", text);
        Assert.Contains("canaria_gateway_requests_total{service=\"shop\",version=\"v1\",code_class=\"4xx\"} 0\n", text);
        Assert.Contains("canaria_gateway_requests_total{service=\"shop\",version=\"v1\",code_class=\"5xx\"} 0\n", text);
        Assert.Contains("canaria_gateway_success_rate{service=\"shop\",version=\"v1\",window=\"10s\"} 1\n", text);
    }

    internal static GatewayConfig OneVersion(string endpoint, Func<ServiceConfig, ServiceConfig>? customize = null)
    {
        var service = new ServiceConfig { Name = "shop", Versions = [new VersionConfig { Name = "v1", Weight = 1, Endpoints = [endpoint] }] };
        return new GatewayConfig
        {
            Listeners = [new ListenerConfig { Name = "main", Address = "127.0.0.1:0" }],
            Services = [customize is null ? service : customize(service)],
        };
    }

    internal static async Task EchoBodyLengthAsync(HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var body = await reader.ReadToEndAsync(context.RequestAborted);
        await context.Response.WriteAsync($"v1:{body.Length}", context.RequestAborted);
    }

    private static VersionRecorder Recorder(GatewayTestHost gw, string version) =>
        gw.Runtime.Signals.Recorders.Single(r => r.Service == "shop" && r.Version == version);

    private static long TotalClientErrors(VersionRecorder recorder) => ClientErrorKinds.All.Sum(recorder.TotalClientErrors);

    private static async Task<string> PostAsync(GatewayTestHost gw, string body)
    {
        using var response = await gw.Client.PostAsync("/", new StringContent(body));
        return await response.Content.ReadAsStringAsync();
    }
}
