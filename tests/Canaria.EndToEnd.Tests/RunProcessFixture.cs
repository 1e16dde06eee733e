using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Canaria.EndToEnd.Tests;

/// <summary>
/// `canaria run` as users run it, in its own process on a temporary state directory; disposing kills the controllers
/// and every replica recorded in the state directory.
/// </summary>
internal sealed class RunProcessFixture : IDisposable
{
    public string StateDir { get; } = Directory.CreateTempSubdirectory("canaria-run-").FullName;
    public List<Process> Controllers { get; } = [];

    public string DatabasePath => Path.Combine(StateDir, "canaria.db");

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>A rollout of the sample app; <paramref name="templateExtra"/> goes under spec.template (8 spaces in).</summary>
    public static string Spec(string name, int port, int replicas, string templateExtra = "") => $$"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata:
          name: {{name}}
        spec:
          replicas: {{replicas}}
          service:
            name: {{name}}
            listen: 127.0.0.1:{{port}}
          template:
            version: v1
            command: "dotnet {{CliProcess.SampleAppDll}} --port {port} --version {version}"
            readiness: {path: /healthz, period: 250ms}
        {{templateExtra}}
          strategy:
            canary:
              steps:
                - traffic: 50
                  pause: {}
        """;

    /// <summary>Starts `canaria run -f spec` and waits until the rollout is healthy with all replicas ready; returns their pids.</summary>
    public async Task<(Process Controller, HttpClient Api, List<int> Pids)> StartHealthyAsync(string name, string spec, IReadOnlyDictionary<string, string>? environment = null)
    {
        var specPath = Path.Combine(StateDir, "rollout.yaml");
        await File.WriteAllTextAsync(specPath, spec);
        var controller = CliProcess.Start(Controllers, environment ?? new Dictionary<string, string>(), "run", "-f", specPath, "--state-dir", StateDir);
        var api = await ConnectAsync(controller);
        JsonNode? last = null;
        await WaitUntilAsync(async () =>
        {
            using var response = await api.GetAsync($"rollouts/{name}");
            if (response.StatusCode != HttpStatusCode.OK) return false;
            last = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            return last["status"]?["phase"]?.GetValue<string>() == "healthy"
                && last["versions"]?.AsArray().Sum(v => v!["readyReplicas"]!.GetValue<int>()) == last["versions"]?.AsArray().Sum(v => v!["desiredReplicas"]!.GetValue<int>());
        }, $"{name} healthy", () => last?.ToJsonString() ?? CliProcess.Output(controller));
        var pids = last!["versions"]!.AsArray().SelectMany(v => v!["replicas"]!.AsArray()).Select(r => r!["pid"]!.GetValue<int>()).Order().ToList();
        return (controller, api, pids);
    }

    public async Task<HttpClient> ConnectAsync(Process controller)
    {
        var info = Path.Combine(StateDir, "controller.json");
        await WaitUntilAsync(() => Task.FromResult(controller.HasExited || (File.Exists(info) && JsonNode.Parse(File.ReadAllText(info))?["pid"]?.GetValue<int>() == controller.Id)),
            "controller.json of the new controller", () => CliProcess.Output(controller));
        Assert.False(controller.HasExited, $"the controller exited with {(controller.HasExited ? controller.ExitCode : 0)}: {CliProcess.Output(controller)}");
        var address = JsonNode.Parse(await File.ReadAllTextAsync(info))!["apiAddress"]!.GetValue<string>();
        var client = new HttpClient { BaseAddress = new Uri(address + "/api/v1/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(StateDir, "token"))).Trim());
        return client;
    }

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<string> describe, double seconds = 45)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (await condition()) return;
            await Task.Delay(100);
        }
        Assert.Fail($"timed out waiting for {what}; last seen: {describe()}");
    }

    public static bool IsAlive(int pid) => Rollouts.LocalRolloutFixture.IsAlive(pid);

    public void Dispose()
    {
        foreach (var p in Controllers)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.Dispose();
        }
        CliProcess.KillReplicasUnder(StateDir);
        try
        {
            Directory.Delete(StateDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
