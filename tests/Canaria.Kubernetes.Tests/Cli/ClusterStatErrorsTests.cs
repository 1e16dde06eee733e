using System.Text.Json.Nodes;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Tests.Support;
using Microsoft.AspNetCore.Http;

namespace Canaria.Kubernetes.Tests.Cli;

/// <summary>`canaria stat` when the query cannot be answered: Prometheus refuses it, or the window is too short to measure.</summary>
[Collection(ControlPlaneCollection.Name)]
public sealed class ClusterStatErrorsTests(ControlPlaneFixture cluster)
{
    private static JsonObject IstioHosts() => new() { ["istio"] = new JsonObject { ["virtualService"] = new JsonObject { ["name"] = "myapp" } } };

    [Fact]
    public async Task Stat_PrometheusAnswers400_ExitsOneWithPrometheussError()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-400", IstioHosts());
        // What Prometheus answers to a query it cannot parse or run.
        await using var prometheus = await TestHttpServer.StartAsync(async ctx =>
        {
            ctx.Response.StatusCode = 400;
            ctx.Response.ContentType = "application/json";
            await ctx.Response.WriteAsync("""{"status":"error","errorType":"bad_data","error":"1:1: parse error: unexpected character in regexp"}""");
        });

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", prometheus.Address.ToString());

        Assert.True(run.ExitCode == 1, run.ToString()); // Prometheus answered: not "unreachable" (3)
        Assert.Contains("refused the query", run.Stderr);
        Assert.Contains("bad_data: 1:1: parse error: unexpected character in regexp", run.Stderr);
    }

    [Fact]
    public async Task Stat_WindowBelowOneSecond_ExitsTwoSayingTheMinimum()
    {
        var ns = await StatTestBed.RolloutWithRouterAsync(cluster, "stat-window", IstioHosts());

        var run = await CanariaCli.CanariaAsync(cluster.KubeconfigPath, "stat", "myapp", "-n", ns, "--prometheus", "http://127.0.0.1:1", "--window", "0.5s");

        Assert.True(run.ExitCode == 2, run.ToString());
        Assert.Contains("--window 0.5s: at least 1s", run.Stderr);
    }
}
