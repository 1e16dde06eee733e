using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Canaria.Gateway.Config;
using Canaria.Gateway.Tests.Support;

namespace Canaria.Gateway.Tests.Routing;

public sealed class ReconfigurationTests
{
    [Fact]
    public async Task Apply_HundredChangesUnderLoad_NoRequestFails()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 90, v2.Address, 10);
        await using var gw = await GatewayTestHost.StartAsync(config);
        var generation = gw.Runtime.Generation;

        using var stop = new CancellationTokenSource();
        long ok = 0, failed = 0;
        async Task Load()
        {
            while (!stop.IsCancellationRequested)
            {
                using var response = await gw.Client.GetAsync("/");
                await response.Content.ReadAsByteArrayAsync();
                Interlocked.Increment(ref response.StatusCode == HttpStatusCode.OK ? ref ok : ref failed);
            }
        }

        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, 6).Select(_ => Task.Run(Load)).ToArray();
        for (var i = 1; i <= 100; i++)
        {
            var seen = Interlocked.Read(ref ok) + Interlocked.Read(ref failed);
            await Wait.UntilAsync(() => Interlocked.Read(ref ok) + Interlocked.Read(ref failed) >= seen + 5, TimeSpan.FromSeconds(10), "traffic between changes");
            var next = Configs.WithWeights(config, 100 - i, i) with { VersionHeader = i % 2 == 0 ? "x-canaria-version" : "x-served-by" };
            var result = gw.Runtime.Apply(next);
            Assert.True(result.Accepted, string.Join("; ", result.Errors));
        }

        await stop.CancelAsync();
        await Task.WhenAll(workers);
        var rps = (ok + failed) / watch.Elapsed.TotalSeconds;

        Assert.Equal(0, failed);
        Assert.True(rps >= 200, $"load was only {rps:F0} requests/s");
        Assert.Equal(generation + 100, gw.Runtime.Generation);
    }

    [Fact]
    public async Task Apply_IdenticalConfig_IsANoOpThatKeepsSignalsAndHealth()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        await using var v2 = await TestBackend.StartAsync("v2");
        var config = Configs.TwoVersions(v1.Address, 50, v2.Address, 50);
        await using var gw = await GatewayTestHost.StartAsync(config);
        await gw.SendManyAsync(50);
        var snapshot = gw.Runtime.Snapshot;
        var generation = gw.Runtime.Generation;

        // A structurally equal config built from scratch (different list instances).
        var result = gw.Runtime.Apply(Configs.TwoVersions(v1.Address, 50, v2.Address, 50));

        Assert.True(result.Accepted);
        Assert.Same(snapshot, gw.Runtime.Snapshot);
        Assert.Equal(generation, gw.Runtime.Generation);
        var signals = gw.Runtime.Signals.QueryAll(TimeSpan.FromMinutes(1));
        Assert.Equal(50, signals.Where(s => s.Service == "shop").Sum(s => s.Requests));

        // A real change keeps the same endpoint state objects and recorders.
        var endpoint = snapshot.Services[0].Versions[0].Endpoints[0];
        Assert.True(gw.Runtime.Apply(Configs.WithWeights(config, 60, 40)).Accepted);
        Assert.Same(endpoint, gw.Runtime.Snapshot.Services[0].Versions[0].Endpoints[0]);
        Assert.Same(snapshot.Services[0].Versions[1].Recorder, gw.Runtime.Snapshot.Services[0].Versions[1].Recorder);
    }

    [Fact]
    public async Task Apply_AddAndRemoveListener_BindsAndUnbindsLive()
    {
        await using var v1 = await TestBackend.StartAsync("v1");
        var config = Configs.TwoVersions(v1.Address, 1, v1.Address, 0);
        await using var gw = await GatewayTestHost.StartAsync(config);

        var withSecond = config with { Listeners = [.. config.Listeners, new ListenerConfig { Name = "second", Address = "127.0.0.1:0" }] };
        Assert.True(gw.Runtime.Apply(withSecond).Accepted);
        var second = gw.Host.ListenerAddresses["second"];
        using (var client = new HttpClient())
        {
            Assert.Equal("v1", await client.GetStringAsync(second));
        }

        Assert.True(gw.Runtime.Apply(config).Accepted);
        Assert.False(gw.Host.ListenerAddresses.ContainsKey("second"));
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await Assert.ThrowsAnyAsync<SocketException>(() => socket.ConnectAsync(second.Host, second.Port));
        Assert.Equal("v1", await gw.Client.GetStringAsync("/"));
    }
}
