using System.Text.Json.Nodes;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>`canaria stat` as `linkerd viz stat ts` shows a split: the weight as applied, and the mirror target's own signals.</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class StatMirrorTests
{
    private const string Name = "shadow";

    private const string MirrorSteps = """
            canary:
              steps:
                - traffic: 0
                  mirror: 100
                  pause: {}
        """;

    [Fact]
    public async Task Stat_CanaryFailsEveryMirroredRequest_MirrorRowShowsAllFailuresAndWeightsAsApplied()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec(Name, "v1", MirrorSteps));
        await f.WaitHealthyAsync(Name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(Name, "v2", MirrorSteps, errorRate: 1.0)); // v2 answers 500 to every GET /
        await f.WaitForAsync(Name, v => v.AppliedTraffic is { MirrorPercent: 100 } t && t.CanaryRevision == v.Status.CanaryRevision, "the mirror to v2 applied");

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(Name)!);
        var answers = await probe.BurstAsync(200);
        TrafficProbe.AssertNoFailures(answers, "the clients only see stable's answers");
        Assert.All(answers, a => Assert.Equal("v1", a.AppBodyVersion));

        // The mirror's copies are sent after the client's answer: wait until the gateway counted them.
        JsonNode? mirror = null;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        JsonArray rows;
        do
        {
            rows = JsonNode.Parse(await ClientErrorRolloutTests.RunStatAsync(f, Name, "-o", "json"))!["versions"]!.AsArray();
            mirror = rows.SingleOrDefault(r => (string?)r!["role"] == "mirror");
        }
        while ((mirror?["requests"]?.GetValue<long>() ?? 0) < 200 && DateTime.UtcNow < deadline);

        Assert.NotNull(mirror);
        Assert.Equal("v2/mirror", (string?)mirror!["version"]);
        Assert.Equal(200, mirror["requests"]!.GetValue<long>());
        Assert.Equal(200, mirror["failures"]!.GetValue<long>());
        Assert.Equal(0.0, mirror["successRate"]!.GetValue<double>());
        Assert.NotNull(mirror["p50Ms"]);
        Assert.Equal("mirror 100%", (string?)mirror["weightText"]);
        var stable = rows.Single(r => (string?)r!["role"] == "stable")!;
        var canary = rows.Single(r => (string?)r!["role"] == "canary")!;
        Assert.Equal((100, "100%", 200L), (stable["weight"]!.GetValue<int>(), (string?)stable["weightText"], stable["requests"]!.GetValue<long>()));
        Assert.Equal((0, "0%", 0L), (canary["weight"]!.GetValue<int>(), (string?)canary["weightText"], canary["requests"]!.GetValue<long>()));

        var table = await ClientErrorRolloutTests.RunStatAsync(f, Name);
        Assert.Contains("WEIGHT", table, StringComparison.Ordinal);
        var mirrorLine = table.Split('\n').Single(l => l.Contains("v2/mirror", StringComparison.Ordinal));
        Assert.Contains("0.00%", mirrorLine, StringComparison.Ordinal);
        Assert.Contains("mirror 100%", mirrorLine, StringComparison.Ordinal);
    }
}
