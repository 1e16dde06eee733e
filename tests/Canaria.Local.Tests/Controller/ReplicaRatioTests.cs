using System.Diagnostics;
using Canaria.Core.Engine;
using Canaria.Local.Api;
using Canaria.Local.Controller;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Controller;

/// <summary>
/// Seeds 000/004 on the local platform: a step that sets replicas and no traffic sends each version the share of its
/// ready replicas, through a real controller, gateway and sample-app replica processes.
/// </summary>
public sealed class ReplicaRatioTests
{
    private static string Spec(string version) => $$"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata: {name: shop}
        spec:
          replicas: 4
          service: {name: shop, listen: "127.0.0.1:0"}
          template:
            version: {{version}}
            command: "{{SampleApp.DotnetPath}} {{SampleApp.DllPath}} --port {port} --version {version} --instance {instance}"
            readiness: {path: /healthz, period: 200ms}
          strategy:
            canary:
              steps:
                - replicas: 1
                  pause: {}
        """;

    private static async Task<ControllerHost> StartCanaryAsync(TempDirectory dir)
    {
        var host = await ControllerHost.StartAsync(TestController.Options(dir.Path), CancellationToken.None);
        var first = await host.Controller.ApplyAsync(Spec("v1"), CancellationToken.None);
        Assert.True(first.Ok, string.Join("; ", first.Errors.Select(e => $"{e.Field}: {e.Message}")));
        await Poll.UntilAsync(() => host.Controller.Views.GetValueOrDefault("shop")?.Status.Phase == RolloutPhase.Healthy, "v1 healthy with 4 replicas", TimeSpan.FromSeconds(90));
        Assert.True((await host.Controller.ApplyAsync(Spec("v2"), CancellationToken.None)).Ok);
        await Poll.UntilAsync(() => host.Controller.Views["shop"], v => v.Status.StepState == StepState.Paused && v.AppliedTraffic?.Weights == new Core.Model.SplitWeights(4, 1),
            "canary paused at step 1 with 4 + 1 ready replicas applied", TimeSpan.FromSeconds(90));
        return host;
    }

    private static async Task<(int Canary, int Total)> SendAsync(Uri address, int count)
    {
        var canary = 0;
        for (var i = 0; i < count; i++)
        {
            using var response = await Http.Client.GetAsync(address);
            Assert.True(response.IsSuccessStatusCode, $"request {i} failed with {(int)response.StatusCode}");
            if (response.Headers.TryGetValues("x-canaria-version", out var v) && v.First() == "v2") canary++;
        }
        return (canary, count);
    }

    [Fact]
    public async Task ReplicasOnlyStep_FourStableOneCanaryReady_SendsTwentyPercentToCanary()
    {
        using var dir = new TempDirectory();
        await using var host = await StartCanaryAsync(dir);
        var view = host.Controller.Views["shop"];
        Assert.Equal("20% (replica ratio 1/5)", view.AppliedTraffic!.WeightText);
        Assert.Contains("replica ratio", view.Status.Message);
        Assert.Equal(["80% (replica ratio 4/5)", "20% (replica ratio 1/5)"], view.Versions.Select(v => v.WeightText));

        var (canary, total) = await SendAsync(host.ServiceAddress("shop")!, 1000);

        Assert.InRange(100.0 * canary / total, 17.0, 23.0);
    }

    [Fact]
    public async Task ReplicasOnlyStep_CanaryProcessKilled_ShareIsZeroUntilItIsBack()
    {
        using var dir = new TempDirectory();
        await using var host = await StartCanaryAsync(dir);
        var address = host.ServiceAddress("shop")!;
        var canaryReplica = host.Controller.Views["shop"].Versions.Single(v => v.Role == "canary").Replicas.Single();

        using (var process = Process.GetProcessById(canaryReplica.Pid ?? throw new InvalidOperationException("the canary replica has no process"))) process.Kill();
        await Poll.UntilAsync(() => host.Controller.Views["shop"].AppliedTraffic, t => t?.Weights == new Core.Model.SplitWeights(4, 0), "the dead canary's share moved to stable");
        Assert.Equal("0% (replica ratio 0/4)", host.Controller.Views["shop"].AppliedTraffic!.WeightText);

        // Count only batches during which the canary stayed not ready (before and after): its restart is legitimately routed.
        var (whileDown, toCanaryWhileDown) = (0, 0);
        while (CanaryReady(host) == 0)
        {
            var (canary, total) = await SendAsync(address, 10);
            if (CanaryReady(host) != 0) break;
            (whileDown, toCanaryWhileDown) = (whileDown + total, toCanaryWhileDown + canary);
        }
        Assert.True(whileDown >= 10, $"only {whileDown} requests were sent while the canary was down (it restarted too fast to measure)");
        Assert.Equal(0, toCanaryWhileDown);

        await Poll.UntilAsync(() => host.Controller.Views["shop"].AppliedTraffic, t => t?.Weights == new Core.Model.SplitWeights(4, 1), "the restarted canary got its share back", TimeSpan.FromSeconds(60));
        var (back, sent) = await SendAsync(address, 500);
        Assert.InRange(100.0 * back / sent, 17.0, 23.0);
    }

    private static int CanaryReady(ControllerHost host) =>
        host.Controller.Views["shop"].Versions.Single(v => v.Role == "canary").ReadyReplicas;
}
