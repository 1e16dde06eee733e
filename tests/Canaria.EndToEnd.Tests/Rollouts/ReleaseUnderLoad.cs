using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Local.Controller;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>
/// A release in progress, as hostile input should meet it: rollout "shop" of the real sample app paused at a canary
/// step with a share of real traffic, a steady background load through the gateway, and an authenticated API client.
/// </summary>
internal sealed class ReleaseUnderLoad : IAsyncDisposable
{
    public const string Name = "shop";

    private ReleaseUnderLoad(LocalRolloutFixture fixture, HttpClient api, TrafficProbe probe, RolloutView before, int weight)
    {
        Fixture = fixture;
        Api = api;
        Probe = probe;
        Before = before;
        Weight = weight;
    }

    public LocalRolloutFixture Fixture { get; }
    public HttpClient Api { get; }
    public TrafficProbe Probe { get; }
    public RolloutView Before { get; }
    public int Weight { get; }

    public static async Task<ReleaseUnderLoad> StartAsync(int weight = 30, int rps = 100)
    {
        var f = await LocalRolloutFixture.StartAsync();
        var api = new HttpClient { BaseAddress = f.Host.ApiAddress, Timeout = TimeSpan.FromSeconds(30) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", f.Host.Token);
        var steps = SampleRollout.ManualCanarySteps(weight, 100);
        await f.ApplyAsync(SampleRollout.Spec(Name, "v1", steps));
        await f.WaitHealthyAsync(Name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(Name, "v2", steps));
        var before = await f.WaitPausedAtAsync(Name, 0, weight);
        var probe = new TrafficProbe(f.Host.ServiceAddress(Name)!);
        probe.StartLoad(rps);
        return new ReleaseUnderLoad(f, api, probe, before, weight);
    }

    /// <summary>PUTs a body as the CLI does and returns the status, the parsed JSON answer (null when it is not JSON) and the time taken.</summary>
    public async Task<(int Status, JsonNode? Body, string Text, TimeSpan Elapsed)> PutSpecAsync(string yaml)
    {
        using var content = new StringContent(yaml, Encoding.UTF8, "application/yaml");
        var clock = Stopwatch.StartNew();
        using var response = await Api.PutAsync("/api/v1/rollouts", content);
        var text = await response.Content.ReadAsStringAsync();
        var elapsed = clock.Elapsed;
        JsonNode? body = null;
        try
        {
            body = text.Length == 0 ? null : JsonNode.Parse(text);
        }
        catch (System.Text.Json.JsonException)
        {
        }
        return ((int)response.StatusCode, body, text, elapsed);
    }

    /// <summary>The release is where it was: same phase, step, state, revisions, applied split and replica processes.</summary>
    public void AssertUnchanged(string when)
    {
        var now = Fixture.View(Name);
        var what = $"{when}: before {LocalRolloutFixture.Describe(Before)}\nnow {LocalRolloutFixture.Describe(now)}";
        Assert.True(Before.Status.Phase == now.Status.Phase && now.Status.Phase == RolloutPhase.Paused, what);
        Assert.True(Before.Status.StepIndex == now.Status.StepIndex, what);
        Assert.True(Before.Status.StepState == now.Status.StepState, what);
        Assert.True(Before.Status.StateSince == now.Status.StateSince, what);
        Assert.True(Before.Status.StableRevision == now.Status.StableRevision, what);
        Assert.True(Before.Status.CanaryRevision == now.Status.CanaryRevision, what);
        Assert.True(Before.SpecRevision == now.SpecRevision && Before.Spec == now.Spec, what);
        Assert.True(now.AppliedTraffic?.CanaryWeight == Weight && now.AppliedTraffic.CanaryRevision == Before.Status.CanaryRevision, what);
        Assert.Equal(Pids(Before), Pids(now));
    }

    /// <summary>The split the gateway serves, measured by a burst of real requests: the canary's share is the step's weight.</summary>
    public async Task AssertLiveSplitAsync(string when)
    {
        var answers = await Probe.BurstAsync(400);
        TrafficProbe.AssertNoFailures(answers, when);
        var share = TrafficProbe.Share(answers, "v2");
        Assert.True(Math.Abs(share - Weight / 100.0) < 0.08, $"{when}: v2 served {share:P1} of 400 requests, the step's weight is {Weight}% ({TrafficProbe.Summary(answers)})");
        Assert.Equal(answers.Count, answers.Count(a => a.GatewayVersion is "v1" or "v2"));
    }

    /// <summary>The controller API still answers reads.</summary>
    public async Task AssertApiServesAsync()
    {
        var view = JsonNode.Parse(await Api.GetStringAsync($"/api/v1/rollouts/{Name}"))!;
        Assert.Equal("paused", ((string?)view["status"]?["phase"])?.ToLowerInvariant());
    }

    private static List<int> Pids(RolloutView view) =>
        view.Versions.SelectMany(v => v.Replicas).Select(r => r.Pid).OfType<int>().Order().ToList();

    public async ValueTask DisposeAsync()
    {
        await Probe.DisposeAsync();
        Api.Dispose();
        await Fixture.DisposeAsync();
    }
}
