using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Canaria.Core.Engine;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>Versions that Canaria does not run: fixed upstream URLs, routed but never started or stopped.</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class FixedUpstreamTests
{
    private const string Name = "fixed";

    [Fact]
    public async Task FixedUpstreams_CanaryThenFullPromotion_SplitsBetweenUrlsAndLeavesThemRunning()
    {
        using var v1 = StartSampleApp("v1", out var v1Port);
        using var v2 = StartSampleApp("v2", out var v2Port);
        try
        {
            await using var f = await LocalRolloutFixture.StartAsync();
            await f.ApplyAsync(Spec("v1", v1Port));
            await f.WaitHealthyAsync(Name, "v1");
            await using var probe = new TrafficProbe(f.Host.ServiceAddress(Name) ?? throw new InvalidOperationException("no listener"));
            // The upstream is not probed by Canaria; wait until the sample app itself answers through the gateway.
            var deadline = Stopwatch.StartNew();
            while ((await probe.SendAsync()).Status != 200)
            {
                Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "the v1 upstream never answered through the gateway");
                await Task.Delay(100);
            }

            await f.ApplyAsync(Spec("v2", v2Port));
            await f.WaitPausedAtAsync(Name, 0, 50);
            var answers = await probe.BurstAsync(600);
            TrafficProbe.AssertNoFailures(answers, "at 50%");
            Assert.InRange(answers.Count(a => a.AppBodyVersion == "v2") / (double)answers.Count, 0.44, 0.56);

            await f.CommandAsync(Name, CommandKind.PromoteFull);
            await f.WaitHealthyAsync(Name, "v2");
            var after = await probe.BurstAsync(100);
            TrafficProbe.AssertNoFailures(after, "after promotion");
            Assert.All(after, a => Assert.Equal("v2", a.AppBodyVersion));
        }
        finally
        {
            Assert.False(v1.HasExited, "Canaria stopped a fixed upstream it does not own (v1)");
            Assert.False(v2.HasExited, "Canaria stopped a fixed upstream it does not own (v2)");
            v1.Kill();
            v2.Kill();
        }
    }

    private static string Spec(string version, int port) => $$"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: {{Name}}
        spec:
          replicas: 1
          service:
            name: {{Name}}
            listen: 127.0.0.1:0
          template:
            version: {{version}}
            upstreams: ["http://127.0.0.1:{{port}}"]
          strategy:
            canary:
              steps:
                - traffic: 50
                  pause: {}
          scaleDownDelay: 1s
        """;

    private static Process StartSampleApp(string version, out int port)
    {
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var info = new ProcessStartInfo("dotnet") { UseShellExecute = false, RedirectStandardOutput = false };
        foreach (var a in new[] { SampleRollout.SampleAppDll, "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--version", version })
            info.ArgumentList.Add(a);
        return Process.Start(info) ?? throw new InvalidOperationException("could not start the sample app");
    }
}
