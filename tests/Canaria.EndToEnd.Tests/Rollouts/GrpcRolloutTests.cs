using Canaria.Core.Engine;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>
/// gRPC services released on the local platform: real sample-app replicas speaking gRPC over h2c, the gateway process
/// in front, Grpc.Net.Client calls (unary and server streaming) as the load, the sequential test judging grpc-status.
/// </summary>
[Collection(LocalControllerCollection.Name)]
public sealed class GrpcRolloutTests
{
    private const string Steps = """
            canary:
              steps:
                - traffic: 10
                  pause: {duration: 2s}
                - traffic: 50
                  pause: {duration: 2s}
                - traffic: 100
        """;

    private const string Analysis = """
          analysis:
            interval: 1s
            minRequests: 10
            checks:
              - {name: errors, compare: stable}
        """;

    [Fact]
    public async Task Grpc_HealthyCanaryReleasedTenFiftyHundred_PromotedAndEveryCallSucceeded()
    {
        const string name = "grpc-good";
        await using var f = await LocalRolloutFixture.StartAsync();
        await using var load = await StableUnderLoadAsync(f, name);

        await f.ApplyAsync(SampleRollout.Spec(name, "v2", Steps, extra: Analysis, protocol: "grpc"));
        await f.WaitForAsync(name, v => v.AppliedTraffic?.CanaryWeight == 50, "50% on the canary", seconds: 30);
        await f.WaitHealthyAsync(name, "v2", seconds: 40);
        var answers = await load.StopAsync();

        Assert.NotEmpty(answers);
        Assert.All(answers, a => Assert.Equal(Grpc.Core.StatusCode.OK, a.Status));
        Assert.Contains(answers, a => a.Method == "Count" && a.GatewayVersion == "v2" && a.Messages == 3);
        Assert.Contains(answers, a => a.Method == "Hello" && a.GatewayVersion == "v1");
    }

    [Fact]
    public async Task Grpc_CanaryUnavailableOnFifthOfCalls_AbortedBySequentialTestAndStableServesEverything()
    {
        const string name = "grpc-bad";
        await using var f = await LocalRolloutFixture.StartAsync();
        await using var load = await StableUnderLoadAsync(f, name);

        await f.ApplyAsync(SampleRollout.Spec(name, "v2", Steps, errorRate: 0.2, extra: Analysis, protocol: "grpc"));
        var aborted = await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Aborted, "the sequential test to abort the canary", seconds: 40);
        var abortedAt = load.Now;
        Assert.Contains("errors", aborted.Status.AbortReason ?? "", StringComparison.Ordinal);
        await f.WaitForAsync(name, v => v.AppliedTraffic is { CanaryWeight: 0 }, "traffic back on stable");
        var settled = load.Now;
        await WaitUntilAsync(() => load.SoFar.Count(a => a.SentAt > settled) >= 50, "calls after the abort");
        var answers = await load.StopAsync();

        Assert.Contains(answers, a => a.GatewayVersion == "v2" && a.Status == Grpc.Core.StatusCode.Unavailable); // the canary really failed
        Assert.All(answers.Where(a => a.GatewayVersion == "v1"), a => Assert.Equal(Grpc.Core.StatusCode.OK, a.Status));
        var after = answers.Where(a => a.SentAt > settled).ToList();
        Assert.All(after, a => Assert.Equal(("v1", Grpc.Core.StatusCode.OK), (a.GatewayVersion, a.Status)));
        Assert.True(abortedAt <= settled);
    }

    /// <summary>Releases v1 of a gRPC rollout and starts four callers on it (two unary, two streaming).</summary>
    private static async Task<GrpcLoad> StableUnderLoadAsync(LocalRolloutFixture f, string name)
    {
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", Steps, extra: Analysis, protocol: "grpc"));
        await f.WaitHealthyAsync(name, "v1");
        var load = new GrpcLoad(f.Host.ServiceAddress(name)!);
        load.Start(4);
        return load;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
