using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;

namespace Canaria.EndToEnd.Tests.Rollouts;

[Collection(LocalControllerCollection.Name)]
public sealed class ApiTests
{
    private const string Name = "api";

    [Fact]
    public async Task PutRollout_MalformedSpecOverHttp_422WithEveryFieldPathAndRunningRolloutUntouched()
    {
        await using var f = await LocalRolloutFixture.StartAsync();
        using var http = new HttpClient { BaseAddress = f.Host.ApiAddress, Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", f.Host.Token);

        var steps = SampleRollout.ManualCanarySteps(50);
        await PutAsync(http, SampleRollout.Spec(Name, "v1", steps), HttpStatusCode.OK);
        await f.WaitHealthyAsync(Name, "v1");
        await PutAsync(http, SampleRollout.Spec(Name, "v2", steps), HttpStatusCode.OK);
        var before = await f.WaitPausedAtAsync(Name, 0, 50);
        var pidsBefore = Pids(before);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(Name)!);
        probe.StartLoad(100);

        const string badSteps = """
                canary:
                  steps:
                    - traffic: 140
                      pause: {}
                    - traffic: 0
                      matches:
                        - header: {name: x-user, regex: "([unclosed"}
                      pause: {}
            """;
        var bad = SampleRollout.Spec(Name, "v3", badSteps).Replace("    command:", "    commnd: oops\n    command:", StringComparison.Ordinal);
        var reply = await PutAsync(http, bad, HttpStatusCode.UnprocessableEntity);
        var fields = Property(reply, "errors")!.AsArray().Select(e => (string)Property(e!, "field")!).ToList();
        Assert.Contains("spec.strategy.canary.steps[0].traffic", fields);
        Assert.Contains("spec.strategy.canary.steps[1].matches[0].header.regex", fields);
        Assert.Contains("spec.template.commnd", fields);

        // The rejected spec changed nothing: observed over ~1 s of ticks (a bounded observation, since we
        // prove that something does not happen), then compared with the state before the PUT.
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(1))
        {
            var now = f.View(Name);
            Assert.Equal(before.Status.Phase, now.Status.Phase);
            Assert.Equal(before.Status.StepIndex, now.Status.StepIndex);
            Assert.Equal(before.Status.StepState, now.Status.StepState);
            Assert.Equal(before.Status.StateSince, now.Status.StateSince);
            Assert.Equal(before.Status.CanaryRevision, now.Status.CanaryRevision);
            Assert.Equal(before.SpecRevision, now.SpecRevision);
            Assert.Equal(before.Spec, now.Spec);
            Assert.Equal(50, now.AppliedTraffic?.CanaryWeight);
            Assert.Equal(pidsBefore, Pids(now));
            await Task.Delay(50);
        }
        var overHttp = JsonNode.Parse(await http.GetStringAsync($"/api/v1/rollouts/{Name}"))!;
        Assert.Equal("paused", ((string)Property(Property(overHttp, "status")!, "phase")!).ToLowerInvariant());

        var answers = await probe.StopLoadAsync();
        TrafficProbe.AssertNoFailures(answers, "while the bad spec was rejected");
        Assert.Contains(answers, a => a.GatewayVersion == "v2");
        Assert.DoesNotContain(answers, a => a.GatewayVersion == "v3");

        // No token, or a wrong one: 401, and nothing is applied.
        using var anonymous = new HttpClient { BaseAddress = f.Host.ApiAddress, Timeout = TimeSpan.FromSeconds(10) };
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/v1/rollouts")).StatusCode);
        using var put = new StringContent(SampleRollout.Spec(Name, "v4", steps), Encoding.UTF8, "application/yaml");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PutAsync("/api/v1/rollouts", put)).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync($"/api/v1/rollouts/{Name}/abort", null)).StatusCode);
        Assert.Equal(before.SpecRevision, f.View(Name).SpecRevision);
        Assert.Equal(RolloutPhase.Paused, f.View(Name).Status.Phase);
    }

    private static List<int> Pids(Canaria.Local.Controller.RolloutView view) =>
        view.Versions.SelectMany(v => v.Replicas).Select(r => r.Pid).OfType<int>().Order().ToList();

    private static async Task<JsonNode> PutAsync(HttpClient http, string yaml, HttpStatusCode expected)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        using var response = await http.PutAsync("/api/v1/rollouts", content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == expected, $"PUT answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return JsonNode.Parse(body)!;
    }

    private static JsonNode? Property(JsonNode node, string name) =>
        node.AsObject().FirstOrDefault(p => string.Equals(p.Key, name, StringComparison.OrdinalIgnoreCase)).Value;
}
