using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using CsCheck;
using Xunit.Abstractions;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>
/// Mutated specs (CsCheck-generated edits of a valid spec) through the real API while a release runs: each is
/// accepted or refused with a JSON message, never a 5xx or a slow answer, and the running release does not move.
/// The mutated specs are of another rollout ("fuzz", fixed upstreams), so an accepted one changes only that rollout.
/// </summary>
[Collection(LocalControllerCollection.Name)]
public sealed class SpecFuzzTests(ITestOutputHelper output)
{
    /// <summary>320 by default; CANARIA_FUZZ_SPECS sets more for a longer hunt (a failure prints the CsCheck seed to replay it).</summary>
    private static readonly int Specs = int.TryParse(Environment.GetEnvironmentVariable("CANARIA_FUZZ_SPECS"), out var n) && n > 0 ? n : 320;

    [Fact]
    public async Task PutRollout_320MutatedSpecsDuringRelease_No5xxNoSlowAnswerAndReleaseUnchanged()
    {
        await using var r = await ReleaseUnderLoad.StartAsync();
        var baseline = await r.PutSpecAsync(SpecMutations.Base);
        Assert.True(baseline.Status == 200, $"the unmutated spec was refused: {baseline.Text}");

        var byStatus = new ConcurrentDictionary<int, int>();
        var slowest = TimeSpan.Zero;
        var sent = 0;
        await SpecMutations.Gen.SampleAsync(async mutations =>
        {
            var yaml = SpecMutations.Apply(SpecMutations.Base, mutations);
            var (status, body, text, elapsed) = await r.PutSpecAsync(yaml);
            Interlocked.Increment(ref sent);
            byStatus.AddOrUpdate(status, 1, (_, n) => n + 1);
            if (elapsed > slowest) slowest = elapsed;
            var what = $"{SpecMutations.Describe(mutations)} answered {status} after {elapsed.TotalMilliseconds:F0} ms: {Cut(text)}\n--- spec ---\n{Cut(yaml)}";
            Assert.True(status is 200 or 409 or 413 or 422, what);
            Assert.True(elapsed < TimeSpan.FromSeconds(5), what);
            Assert.True(body is JsonObject && !string.IsNullOrWhiteSpace((string?)body["message"]), what);
            if (status == 422) Assert.True(body!["errors"] is JsonArray { Count: > 0 } errors && errors.All(e => !string.IsNullOrEmpty((string?)e!["field"])), what);
            Assert.False(r.Fixture.Host.Loop.IsCompleted, $"the reconcile loop ended: {r.Fixture.Host.Loop.Exception}\n{what}");
        }, iter: Specs, threads: 1);

        var accepted = byStatus.GetValueOrDefault(200);
        output.WriteLine($"{sent} mutated specs: {accepted} accepted, {sent - accepted} refused " +
            $"({string.Join(", ", byStatus.OrderBy(p => p.Key).Select(p => $"{p.Key}: {p.Value}"))}); slowest answer {slowest.TotalMilliseconds:F0} ms");
        Assert.True(sent >= Specs, $"only {sent} specs were sent");

        // The mutations created or changed only other rollouts: delete them, then the release must be exactly where it was.
        var all = JsonNode.Parse(await r.Api.GetStringAsync("/api/v1/rollouts"))!.AsArray();
        foreach (var name in all.Select(v => (string)v!["name"]!).Where(n => n != ReleaseUnderLoad.Name))
            Assert.True((await r.Api.DeleteAsync($"/api/v1/rollouts/{Uri.EscapeDataString(name)}")).IsSuccessStatusCode, $"delete {name}");
        await r.AssertApiServesAsync();
        r.AssertUnchanged("after the mutated specs");
        await r.AssertLiveSplitAsync("after the mutated specs");
        TrafficProbe.AssertNoFailures(await r.Probe.StopLoadAsync(), "while the mutated specs were applied");
    }

    private static string Cut(string text) => text.Length <= 3000 ? text : text[..3000] + $"... ({text.Length} chars)";
}
