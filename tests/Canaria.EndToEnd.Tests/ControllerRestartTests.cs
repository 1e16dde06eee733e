using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Canaria.EndToEnd.Tests.Support;

namespace Canaria.EndToEnd.Tests;

/// <summary>
/// The controller as users run it: `canaria run` in its own process, killed with SIGKILL mid-rollout and
/// started again on the same state directory.
/// </summary>
public sealed class ControllerRestartTests : IDisposable
{
    private readonly string _stateDir = Directory.CreateTempSubdirectory("canaria-restart-").FullName;
    private readonly List<Process> _controllers = [];

    [Fact]
    public async Task Run_ControllerKilledMidRollout_ResumesAtSameStepAndWeightsWithAdoptedReplicas()
    {
        var port = RunningController.FreePort();
        var spec = RolloutYaml(port, "v1");
        var specPath = Path.Combine(_stateDir, "rollout.yaml");
        await File.WriteAllTextAsync(specPath, spec);

        var first = CliProcess.Start(_controllers, "run", "-f", specPath, "--state-dir", _stateDir);
        using var api = await ConnectAsync(first);
        await WaitForAsync(api, v => v["status"]?["phase"]?.GetValue<string>() == "healthy", "v1 healthy");

        using (var put = await api.PutAsync("rollouts", new StringContent(RolloutYaml(port, "v2"), Encoding.UTF8)))
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var before = await WaitForAsync(api, v => v["status"]?["stepState"]?.GetValue<string>() == "paused"
            && v["appliedTraffic"]?["canaryWeight"]?.GetValue<int>() == 40, "canary paused at 40%");
        var pidsBefore = RunningController.ReplicaPids(before);
        Assert.Equal(3, pidsBefore.Count); // 2 stable + 1 canary replica processes

        first.Kill(); // SIGKILL: no cleanup at all
        await first.WaitForExitAsync();
        Assert.All(pidsBefore, pid => Assert.True(RunningController.IsAlive(pid), $"replica {pid} died with the controller"));

        var second = CliProcess.Start(_controllers, "run", "--state-dir", _stateDir, "--stop-replicas-on-exit");
        using var api2 = await ConnectAsync(second);
        var after = await WaitForAsync(api2, v => v["appliedTraffic"]?["canaryWeight"]?.GetValue<int>() == 40, "traffic re-applied after restart");
        Assert.Equal(before["status"]!["stepIndex"]!.GetValue<int>(), after["status"]!["stepIndex"]!.GetValue<int>());
        Assert.Equal("paused", after["status"]!["stepState"]!.GetValue<string>());
        Assert.Equal(before["status"]!["canaryRevision"]!.GetValue<int>(), after["status"]!["canaryRevision"]!.GetValue<int>());
        Assert.Equal(pidsBefore, RunningController.ReplicaPids(after)); // adopted, not restarted

        // The gateway serves the same split again on the same address.
        using var client = new HttpClient();
        var counts = new Dictionary<string, int>();
        for (var i = 0; i < 400; i++)
        {
            using var response = await client.GetAsync(new Uri($"http://127.0.0.1:{port}/"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var version = response.Headers.GetValues("x-canaria-version").Single();
            counts[version] = counts.GetValueOrDefault(version) + 1;
        }
        Assert.InRange(counts.GetValueOrDefault("v2") / 400.0, 0.30, 0.50);

        using (var promote = await api2.PostAsync("rollouts/restart/promote?full=true", null))
            Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
        await WaitForAsync(api2, v => v["status"]?["phase"]?.GetValue<string>() == "healthy" && v["status"]?["stableRevision"]?.GetValue<int>() == 2, "v2 promoted");

        CliProcess.Terminate(second);
        Assert.True(second.WaitForExit(TimeSpan.FromSeconds(40)), "the controller did not stop on SIGTERM");
        foreach (var pid in pidsBefore.Concat(RunningController.ReplicaPids(after)))
            await RunningController.WaitUntilAsync(() => !RunningController.IsAlive(pid), $"replica {pid} to stop with the controller");
    }

    private static string RolloutYaml(int port, string version) => $$"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: restart
        spec:
          replicas: 2
          service:
            name: restart
            listen: 127.0.0.1:{{port}}
          template:
            version: {{version}}
            command: "dotnet {{CliProcess.SampleAppDll}} --port {port} --version {version}"
            readiness: {path: /healthz, period: 250ms}
          strategy:
            canary:
              steps:
                - traffic: 40
                  pause: {}
          scaleDownDelay: 1s
        """;

    private Task<HttpClient> ConnectAsync(Process controller) => RunningController.ConnectAsync(_stateDir, controller);

    private static Task<JsonNode> WaitForAsync(HttpClient api, Func<JsonNode, bool> condition, string what) =>
        RunningController.WaitForAsync(api, "restart", condition, what);

    public void Dispose() => RunningController.CleanUp(_controllers, _stateDir);
}
