using Canaria.Analysis.Metrics;
using Canaria.Core.Analysis;
using Canaria.Core.Model;
using Canaria.Local.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Local.Tests.Analysis;

/// <summary>The web source against a real Kestrel server: JSON paths, GET/POST with placeholders, basic and bearer auth from env/file.</summary>
public sealed class WebMetricSourceTests
{
    private static readonly HttpClient Client = new(new SocketsHttpHandler { UseProxy = false });
    private static readonly CheckQuery Query = new("shop", "prod", "shop", "v2", "v1", DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch.AddSeconds(30));

    private static async Task<TestHttpServer> MetricsServer() => await TestHttpServer.StartAsync(async ctx =>
    {
        var auth = ctx.Request.Headers.Authorization.ToString();
        using var reader = new StreamReader(ctx.Request.Body);
        var body = await reader.ReadToEndAsync();
        ctx.Response.ContentType = "application/json";
        switch (ctx.Request.Path.Value)
        {
            case "/basic" when auth != "Basic " + Convert.ToBase64String("u:s3cret"u8.ToArray()):
            case "/bearer" when auth != "Bearer t0ken":
                ctx.Response.StatusCode = 401;
                return;
            case "/echo":
                await ctx.Response.WriteAsync($$"""{"method":"{{ctx.Request.Method}}","version":"{{ctx.Request.Query["v"]}}","body":{{(body.Length == 0 ? "null" : body)}}}""");
                return;
            case "/text":
                await ctx.Response.WriteAsync("not json");
                return;
            default:
                await ctx.Response.WriteAsync("""{"data":{"result":[{"value":"0.042"},{"value":7}],"missing":null}}""");
                return;
        }
    });

    private static CheckSpec Web(TestHttpServer server, string path, string jsonPath, AuthSpec? auth = null) =>
        new() { Name = "w", Provider = MetricProvider.Web, Url = server.Url(path), JsonPath = jsonPath, Max = 0.05, Auth = auth };

    [Theory]
    [InlineData("/m", "$.data.result[0].value", 0.042, null)]
    [InlineData("/m", "$.data.result[1].value", 7.0, null)]
    [InlineData("/m", "$['data'].result[1]['value']", 7.0, null)]
    [InlineData("/m", "$.data.missing", null, "$.data.missing is null")]
    [InlineData("/m", "$.data.result[5].value", null, "$.data.result[5] is missing")]
    [InlineData("/m", "$.data", null, "$.data is not a number")]
    public async Task ReadAsync_JsonPath_ReadsTheNumberOrSaysWhyNot(string path, string jsonPath, double? value, string? problem)
    {
        await using var server = await MetricsServer();

        var r = await new WebMetricSource(Client, TimeSpan.FromSeconds(5)).ReadAsync(Web(server, path, jsonPath), Query, CancellationToken.None);

        Assert.Null(r.Error);
        Assert.Equal(value, r.Value);
        if (problem is not null) Assert.Equal(problem, r.Detail);
    }

    [Fact]
    public async Task ReadAsync_PostWithPlaceholders_SendsVersionInUrlAndBody()
    {
        await using var server = await MetricsServer();
        var check = Web(server, "/echo?v={{version}}", "$.body.window") with { HttpMethod = "POST", Body = """{"window":30,"rollout":"{{name}}"}""" };

        var r = await new WebMetricSource(Client, TimeSpan.FromSeconds(5)).ReadAsync(check, Query, CancellationToken.None);

        Assert.Equal(30, r.Value);
    }

    [Fact]
    public async Task ReadAsync_BasicFromEnvAndBearerFromFile_Authenticate()
    {
        await using var server = await MetricsServer();
        using var dir = new TempDirectory();
        var file = Path.Combine(dir.Path, "token");
        await File.WriteAllTextAsync(file, "t0ken\n");
        var env = "CANARIA_TEST_SECRET_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(env, "s3cret");
        var source = new WebMetricSource(Client, TimeSpan.FromSeconds(5));

        var basic = await source.ReadAsync(Web(server, "/basic", "$.data.result[1].value", new AuthSpec { Username = "u", SecretEnv = env }), Query, CancellationToken.None);
        var bearer = await source.ReadAsync(Web(server, "/bearer", "$.data.result[1].value", new AuthSpec { SecretFile = file }), Query, CancellationToken.None);
        var wrong = await source.ReadAsync(Web(server, "/bearer", "$.data.result[1].value", new AuthSpec { SecretEnv = env }), Query, CancellationToken.None);
        var missing = await source.ReadAsync(Web(server, "/bearer", "$.x", new AuthSpec { SecretEnv = env + "_UNSET" }), Query, CancellationToken.None);

        Assert.Equal((7.0, 7.0), (basic.Value, bearer.Value));
        Assert.Equal($"{server.Url("/bearer")}: HTTP 401 Unauthorized", wrong.Error);
        Assert.DoesNotContain("s3cret", wrong.Detail + wrong.Error);
        Assert.Equal($"the secret environment variable {env}_UNSET is not set", missing.Error);
    }

    [Fact]
    public async Task ReadAsync_NotJsonOrNoAnswer_IsAnErrorNeverAPass()
    {
        await using var server = await MetricsServer();
        await using var silent = await TestHttpServer.StartAsync(ctx => Task.Delay(Timeout.Infinite, ctx.RequestAborted));
        var source = new WebMetricSource(Client, TimeSpan.FromMilliseconds(300));

        var text = await source.ReadAsync(Web(server, "/text", "$.v"), Query, CancellationToken.None);
        var slow = await source.ReadAsync(Web(silent, "/m", "$.v"), Query, CancellationToken.None);

        Assert.Equal(Verdict.Error, ThresholdJudge.JudgeValue(Web(server, "/text", "$.v"), text).Verdict);
        Assert.Contains("did not answer JSON", text.Error);
        Assert.Contains("no answer within 300 ms", slow.Error);
    }

    [Fact]
    public async Task ReadAsync_UrlWithUserInfo_NeverShowsThePassword()
    {
        await using var server = await MetricsServer();
        var leaky = server.Url("/bearer?token=t0k").Replace("://", "://admin:pw-leak@", StringComparison.Ordinal);
        var check = Web(server, "/bearer", "$.v") with { Url = leaky };
        var prometheus = new CheckSpec { Name = "p", Provider = MetricProvider.Prometheus, Address = "http://admin:pw-leak@127.0.0.1:1", Query = "up", Max = 1 };

        var web = await new WebMetricSource(Client, TimeSpan.FromSeconds(5)).ReadAsync(check, Query, CancellationToken.None);
        var prom = await new PrometheusMetricSource(Client, TimeSpan.FromSeconds(5)).ReadAsync(prometheus, Query, CancellationToken.None);

        Assert.Equal($"{server.Url("/bearer")}: HTTP 401 Unauthorized", web.Error);
        Assert.Contains("prometheus http://127.0.0.1:1: request failed", prom.Error);
        foreach (var shown in new[] { web.Error, web.Detail, prom.Error, prom.Detail })
        {
            Assert.DoesNotContain("pw-leak", shown);
            Assert.DoesNotContain("t0k", shown);
        }
    }
}
