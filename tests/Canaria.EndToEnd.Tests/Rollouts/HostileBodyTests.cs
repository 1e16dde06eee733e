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
