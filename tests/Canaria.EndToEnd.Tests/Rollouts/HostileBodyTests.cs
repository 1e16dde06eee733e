using Canaria.Tests.Shared;
using Xunit.Abstractions;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>Bodies built to crash or exhaust the controller, sent over HTTP while a release runs with real traffic.</summary>
[Collection(LocalControllerCollection.Name)]
public sealed class HostileBodyTests(ITestOutputHelper output)
{
    [Fact]
    public async Task PutRollout_200KBNestedSpecAnd20MBChunkedBody_Fast4xxAndControllerAndGatewayKeepServing()
    {
        await using var r = await ReleaseUnderLoad.StartAsync();

        // 200 KB of '[': once a stack overflow that ended the controller and its embedded gateway.
        var nested = await r.PutSpecAsync(new string('[', 200 * 1024) + new string(']', 200 * 1024));
        Assert.True(nested.Status == 422, $"nested spec: {nested.Status} {nested.Text}");
        Assert.True(nested.Elapsed < TimeSpan.FromSeconds(2), $"nested spec answered after {nested.Elapsed}");
        Assert.Contains("deeper than 64 levels", nested.Text, StringComparison.Ordinal);
        Assert.Equal("(document)", (string?)nested.Body!["errors"]![0]!["field"]);

        // 20 MB without Content-Length: once read and parsed whole; now the first byte past 1 MiB ends it.
        var chunked = await ChunkedUpload.SendAsync(r.Fixture.Host.ApiAddress, "PUT", "/api/v1/rollouts", r.Fixture.Host.Token, 20L * 1024 * 1024, (byte)'[');
        Assert.True(chunked.Error is null, $"chunked upload: {chunked.Error}");
        Assert.True(chunked.Status == 413, $"chunked upload: {chunked.Status} {chunked.Body}");
        Assert.True(chunked.Elapsed < TimeSpan.FromSeconds(2), $"chunked upload answered after {chunked.Elapsed}");
        Assert.Contains("larger than 1 MiB", chunked.Body, StringComparison.Ordinal);
        Assert.True(chunked.BytesSentBeforeAnswer < 20L * 1024 * 1024, $"the whole 20 MB was sent before the answer ({chunked.BytesSentBeforeAnswer} bytes)");

        // Just under the limit, chunked: read whole and answered as a spec (not valid YAML), not refused by size.
        var underLimit = await ChunkedUpload.SendAsync(r.Fixture.Host.ApiAddress, "PUT", "/api/v1/rollouts", r.Fixture.Host.Token, 960 * 1024, (byte)'a');
        Assert.True(underLimit.Status == 422, $"960 KB chunked: {underLimit.Status} {underLimit.Body}");

        output.WriteLine($"200 KB nested: {nested.Status} in {nested.Elapsed.TotalMilliseconds:F0} ms; 20 MB chunked: {chunked.Status} in " +
            $"{chunked.Elapsed.TotalMilliseconds:F0} ms, {chunked.BytesSentBeforeAnswer / 1024} KiB sent before the answer; 960 KB chunked: {underLimit.Status} in {underLimit.Elapsed.TotalMilliseconds:F0} ms");
        await r.AssertApiServesAsync();
        r.AssertUnchanged("after the hostile bodies");
        await r.AssertLiveSplitAsync("after the hostile bodies");
        TrafficProbe.AssertNoFailures(await r.Probe.StopLoadAsync(), "while the hostile bodies were refused");
    }

    /// <summary>Edits of the running rollout's own spec that were once accepted or answered 500 (issue 10).</summary>
    [Fact]
    public async Task PutRollout_OnceAcceptedOr500Inputs_422WithFieldPathAndReleaseUnchanged()
    {
        await using var r = await ReleaseUnderLoad.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(r.Weight, 100);
        var good = SampleRollout.Spec(ReleaseUnderLoad.Name, "v3", steps);
        var command = good.Split('\n').Single(l => l.TrimStart().StartsWith("command:", StringComparison.Ordinal));
        string Match(string match) => steps.Replace("          pause: {}", $"          matches: [{match}]\n          pause: {{}}", StringComparison.Ordinal);
        var cases = new (string Spec, string Field)[]
        {
            (SampleRollout.Spec(ReleaseUnderLoad.Name, "v3", steps, extra: "  analysis: {interval: 1000000000000h}"), "spec.analysis.interval"),
            (good[..(good.IndexOf("pause: {", StringComparison.Ordinal) + 8)], "(document)"),
            (SampleRollout.Spec(ReleaseUnderLoad.Name, "v3", Match("{header: {name: \"\", exact: x}}")), "spec.strategy.canary.steps[0].matches[0].header.name"),
            (SampleRollout.Spec(ReleaseUnderLoad.Name, "v3", Match("{header: {name: x-user, regex: \"(a+)\\\\1\"}}")), "spec.strategy.canary.steps[0].matches[0].header.regex"),
            (SampleRollout.Spec(ReleaseUnderLoad.Name, "v3", steps, extra: "  webhooks: [{name: w, type: event, url: \"\"}]"), "spec.webhooks[0].url"),
            (good.Replace(command, "    upstreams: [\"http://u:p4ssw0rd@127.0.0.1:1/\"]", StringComparison.Ordinal), "spec.template.upstreams[0]"),
            (good.Replace("SAMPLE_ERROR_RATE:", "\"\":", StringComparison.Ordinal), "spec.template.env[\"\"]"),
            (good.Replace("SAMPLE_ERROR_RATE:", "A=B:", StringComparison.Ordinal), "spec.template.env[\"A=B\"]"),
            (good.Replace(command, "    command: \"{bogus} x\"", StringComparison.Ordinal), "spec.template.command"),
        };
        foreach (var (spec, field) in cases)
        {
            var answer = await r.PutSpecAsync(spec);
            Assert.True(answer.Status == 422, $"{field}: {answer.Status} {answer.Text}");
            var fields = answer.Body!["errors"]!.AsArray().Select(e => (string?)e!["field"]).ToList();
            Assert.True(fields.Contains(field), $"{field} not among {string.Join(", ", fields)}: {answer.Text}");
            Assert.DoesNotContain("p4ssw0rd", answer.Text, StringComparison.Ordinal);
        }
        r.AssertUnchanged("after the refused specs");
        await r.AssertLiveSplitAsync("after the refused specs");
        TrafficProbe.AssertNoFailures(await r.Probe.StopLoadAsync(), "while the specs were refused");
    }

    [Fact]
    public async Task Api_UnknownPathWrongMethodAndBadQuery_JsonErrorWithMessage()
    {
        await using var r = await ReleaseUnderLoad.StartAsync();

        foreach (var (method, path, status) in new[]
                 {
                     (HttpMethod.Get, "/api/v1/nothing-here", 404),
                     (HttpMethod.Patch, "/api/v1/rollouts", 405),
                     (HttpMethod.Post, $"/api/v1/rollouts/{ReleaseUnderLoad.Name}/jump?step=abc", 400),
                     (HttpMethod.Get, $"/api/v1/rollouts/{ReleaseUnderLoad.Name}/stat?window=1000000000000h", 400),
                     (HttpMethod.Get, "/api/v1/rollouts/nobody", 404),
                 })
        {
            using var response = await r.Api.SendAsync(new HttpRequestMessage(method, path));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True((int)response.StatusCode == status, $"{method} {path}: {(int)response.StatusCode} {text}");
            Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
            var message = (string?)System.Text.Json.Nodes.JsonNode.Parse(text)!["message"];
            Assert.False(string.IsNullOrWhiteSpace(message), $"{method} {path}: no message in {text}");
        }
        r.AssertUnchanged("after the bad requests");
    }
}
