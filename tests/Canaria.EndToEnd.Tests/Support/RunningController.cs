using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json.Nodes;

namespace Canaria.EndToEnd.Tests.Support;

/// <summary>Talking to a `canaria run` process through its authenticated API, and waiting for conditions (never a fixed sleep).</summary>
internal static class RunningController
{
    /// <summary>Waits for the controller.json of <paramref name="controller"/> and returns an API client with the token.</summary>
    public static async Task<HttpClient> ConnectAsync(string stateDir, Process controller)
    {
        var info = Path.Combine(stateDir, "controller.json");
        await WaitUntilAsync(() => controller.HasExited || (File.Exists(info) && JsonNode.Parse(File.ReadAllText(info))?["pid"]?.GetValue<int>() == controller.Id), "controller.json of the new controller");
        Assert.False(controller.HasExited, $"the controller exited with {(controller.HasExited ? controller.ExitCode : 0)}: {CliProcess.Output(controller)}");
        var address = JsonNode.Parse(await File.ReadAllTextAsync(info))!["apiAddress"]!.GetValue<string>();
        var client = new HttpClient { BaseAddress = new Uri(address + "/api/v1/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await File.ReadAllTextAsync(Path.Combine(stateDir, "token"))).Trim());
        return client;
    }

    /// <summary>Polls the rollout's view until the condition holds.</summary>
    public static async Task<JsonNode> WaitForAsync(HttpClient api, string rollout, Func<JsonNode, bool> condition, string what)
    {
        JsonNode? last = null;
        await WaitUntilAsync(async () =>
        {
            try
            {
                using var response = await api.GetAsync("rollouts/" + rollout);
                if (response.StatusCode != HttpStatusCode.OK) return false;
                last = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
                return condition(last);
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, what, () => last?.ToJsonString() ?? "(no answer)");
        return last!;
    }

    public static Task WaitUntilAsync(Func<bool> condition, string what, double seconds = 45) =>
        WaitUntilAsync(() => Task.FromResult(condition()), what, () => "", seconds);

    public static async Task WaitUntilAsync(Func<Task<bool>> condition, string what, Func<string> describe, double seconds = 45)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(seconds))
        {
            if (await condition()) return;
            await Task.Delay(50);
        }
        Assert.Fail($"timed out after {seconds} s waiting for {what}; last seen: {describe()}");
    }

    /// <summary>Sends bursts until one of <paramref name="count"/> requests comes back without a failure (the listener is up), then returns that burst.</summary>
    public static async Task<IReadOnlyList<Rollouts.Answer>> WaitForBurstAsync(Rollouts.TrafficProbe probe, int count)
    {
        IReadOnlyList<Rollouts.Answer> burst = [];
        await WaitUntilAsync(async () => (burst = await probe.BurstAsync(count)).Any(a => !a.Failed), $"a burst of {count} requests to be served", () => "", 20);
        return burst.All(a => !a.Failed) ? burst : await probe.BurstAsync(count);
    }

    public static List<int> ReplicaPids(JsonNode view) =>
        view["versions"]!.AsArray().SelectMany(v => v!["replicas"]!.AsArray()).Select(r => r!["pid"]!.GetValue<int>()).Order().ToList();

    /// <summary>The pid of the gateway process serving <paramref name="stateDir"/> (from gateway/gateway.json), or 0.</summary>
    public static int GatewayPid(string stateDir)
    {
        var path = Path.Combine(stateDir, "gateway", "gateway.json");
        try
        {
            return File.Exists(path) ? JsonNode.Parse(File.ReadAllText(path))?["pid"]?.GetValue<int>() ?? 0 : 0;
        }
        catch (Exception e) when (e is IOException or System.Text.Json.JsonException)
        {
            return 0;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public static bool IsAlive(int pid)
    {
        try
        {
            return pid > 0 && Directory.Exists($"/proc/{pid}") && !File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>After a test: kills the processes it started and everything recorded under the state directory, then removes it.</summary>
    public static void CleanUp(IEnumerable<Process> processes, string stateDir)
    {
        foreach (var p in processes)
        {
            if (!p.HasExited) p.Kill(entireProcessTree: true);
            p.Dispose();
        }
        CliProcess.KillReplicasUnder(stateDir);
        try
        {
            Directory.Delete(stateDir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
