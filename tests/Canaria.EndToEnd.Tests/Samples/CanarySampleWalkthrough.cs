using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;

namespace Canaria.EndToEnd.Tests.Samples;

/// <summary>
/// samples/rollouts/canary.yaml followed as its comment says, once per test class: `canaria run -f` the sample, `canaria
/// load web --rps 100`, version v2 and `canaria apply -f`, a test user's `canaria load` at step 1, `canaria promote web`,
/// until v2 is stable. The only change to the sample is its listen port (8080 may be taken here). The steps' outputs
/// are kept for the tests; a step that fails is kept as <see cref="Failure"/> and fails every test.
/// </summary>
public sealed class CanarySampleWalkthrough : IAsyncLifetime
{
    private readonly RunProcessFixture _run = new();
    private readonly List<Process> _loads = [];

    public string? Failure { get; private set; }
    public JsonNode? Final { get; private set; }
    public string MainLoadOutput { get; private set; } = "";
    public int MainLoadExit { get; private set; } = -1;
    public string TestUserLoadOutput { get; private set; } = "";
    public TimeSpan PromoteToHealthy { get; private set; }
    public string StateDir => _run.StateDir;

    public async Task InitializeAsync()
    {
        try
        {
            await WalkAsync();
        }
        catch (Exception e) when (e is Xunit.Sdk.XunitException or TimeoutException or IOException)
        {
            var history = await CliProcess.RunAsync(Plain, "history", "web", "--state-dir", _run.StateDir);
            Failure = $"{e.Message}\nthe rollout's history:\n{history.Output}";
        }
    }

    private async Task WalkAsync()
    {
        var sample = await File.ReadAllTextAsync(Path.Combine(RepositoryRoot(), "samples", "rollouts", "canary.yaml"));
        Assert.Contains("listen: 127.0.0.1:8080", sample);
        var spec = sample.Replace("listen: 127.0.0.1:8080", $"listen: 127.0.0.1:{RunProcessFixture.FreePort()}", StringComparison.Ordinal);

        // 1. canaria run -f samples/rollouts/canary.yaml
        var (controller, api, _) = await _run.StartHealthyAsync("web", spec);
        // 2. canaria load web --rps 100
        var load = CliProcess.Start(_loads, Plain, "load", "web", "--rps", "100", "--state-dir", _run.StateDir);
        await RunProcessFixture.WaitUntilAsync(() => Task.FromResult(CliProcess.RawOutput(load).Contains(" v1 ", StringComparison.Ordinal) || load.HasExited),
            "the load's first progress line", () => CliProcess.RawOutput(load), seconds: 30);
        Assert.False(load.HasExited, CliProcess.RawOutput(load));

        // 3. template.version v2, canaria apply -f
        var specPath = Path.Combine(_run.StateDir, "rollout.yaml");
        Assert.Contains("version: v1\n", spec);
        await File.WriteAllTextAsync(specPath, spec.Replace("version: v1\n", "version: v2\n", StringComparison.Ordinal));
        var apply = await CliProcess.RunAsync(Plain, "apply", "-f", specPath, "--state-dir", _run.StateDir);
        Assert.True(apply.ExitCode == 0, apply.Output);

        // 4. a test user for 20 s once step 1 routes test users (what `canaria status web` shows), then promote
        JsonNode? view = null;
        await RunProcessFixture.WaitUntilAsync(async () =>
        {
            view = await GetAsync(api);
            return view?["status"] is { } s && (int?)s["canaryRevision"] == 2 && (int?)s["stepIndex"] == 0
                && (string?)s["stepState"] is "analyzing" or "paused";
        }, "step 1 to route test users to v2", () => view?.ToJsonString() ?? "", seconds: 60);
        var testUser = await CliProcess.RunAsync(Plain, "load", "web", "--rps", "10", "--duration", "20s", "-H", "Cookie: user=test-user", "--state-dir", _run.StateDir);
        TestUserLoadOutput = testUser.Output;
        Assert.True(testUser.ExitCode == 0, testUser.Output);
        var promoted = Stopwatch.StartNew();
        var promote = await CliProcess.RunAsync(Plain, "promote", "web", "--state-dir", _run.StateDir);
        Assert.True(promote.ExitCode == 0, promote.Output);

        // 5. until Healthy with v2 stable
        await RunProcessFixture.WaitUntilAsync(async () =>
        {
            view = await GetAsync(api);
            return view?["status"] is { } s && (string?)s["phase"] == "healthy" && (int?)s["stableRevision"] == 2;
        }, "v2 to become stable", () => view?.ToJsonString() ?? "", seconds: 180);
        PromoteToHealthy = promoted.Elapsed;
        Final = view;
        Assert.False(controller.HasExited, CliProcess.Output(controller));

        // Ctrl-C on the load: it prints its summary and exits 0.
        CliProcess.Terminate(load);
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await load.WaitForExitAsync(cts.Token);
        load.WaitForExit();
        MainLoadExit = load.ExitCode;
        MainLoadOutput = CliProcess.RawOutput(load);
    }

    /// <summary>No NO_COLOR: output must be plain because it is piped, not because it was asked to be.</summary>
    public static readonly IReadOnlyDictionary<string, string> Plain = new Dictionary<string, string> { ["NO_COLOR"] = "", ["COLUMNS"] = "", ["TERM"] = "xterm-256color" };

    private static async Task<JsonNode?> GetAsync(HttpClient api)
    {
        using var response = await api.GetAsync("rollouts/web");
        return response.StatusCode == HttpStatusCode.OK ? JsonNode.Parse(await response.Content.ReadAsStringAsync()) : null;
    }

    public static string RepositoryRoot()
    {
        var dir = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(dir, "Canaria.slnx"))) dir = Path.GetDirectoryName(dir) ?? throw new InvalidOperationException("repository root not found");
        return dir;
    }

    public Task DisposeAsync()
    {
        foreach (var p in _loads)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.Dispose();
        }
        _run.Dispose();
        return Task.CompletedTask;
    }
}
