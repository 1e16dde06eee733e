namespace Canaria.EndToEnd.Tests.Rollouts;

[Collection(LocalControllerCollection.Name)]
public sealed class TestUserMatchTests
{
    private const string Name = "testusers";

    private const string Steps = """
            canary:
              steps:
                - traffic: 0
                  matches:
                    - cookie: {name: user, exact: test-user}
                    - header: {name: cookie, regex: "^(.*?;)?(user=test-user)(;.*)?$"}
                  pause: {}
        """;

    [Fact]
    public async Task TestUserMatch_CookieUserIsTestUser_OnlyTheseRequestsGetCanary()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        await f.ApplyAsync(SampleRollout.Spec(Name, "v1", Steps));
        await f.WaitHealthyAsync(Name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(Name, "v2", Steps));
        var paused = await f.WaitPausedAtAsync(Name, 0, 0);
        Assert.NotEmpty(paused.AppliedTraffic!.Matches);
        Assert.Equal(1, paused.Versions.Single(v => v.Role == "canary").ReadyReplicas);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(Name)!);
        foreach (var testUser in new[] { "user=test-user", "theme=dark; user=test-user", "a=1;user=test-user;b=2" })
        {
            var answers = await probe.BurstAsync(100, cookie: testUser);
            TrafficProbe.AssertNoFailures(answers, $"with cookie '{testUser}'");
            Assert.True(answers.All(a => a.GatewayVersion == "v2" && a.AppBodyVersion == "v2"),
                $"cookie '{testUser}' did not always reach the canary: {TrafficProbe.Summary(answers)}");
        }

        foreach (var other in new string?[] { null, "user=other", "user=test-user2", "xuser=test-user", "user=test-users; theme=dark" })
        {
            var answers = await probe.BurstAsync(100, cookie: other);
            TrafficProbe.AssertNoFailures(answers, $"with cookie '{other}'");
            Assert.True(answers.All(a => a.GatewayVersion == "v1" && a.AppBodyVersion == "v1"),
                $"cookie '{other}' reached the canary: {TrafficProbe.Summary(answers)}");
        }
    }
}
