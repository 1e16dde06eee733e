using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Bench.Scale;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Tests.Support;

// bench/scale/run.sh starts the control plane and runs this: ScaleBench KUBECONFIG CANARIA_DLL COUNT LOGDIR
// SCALE_PHASES=restart,takeover,releases (the default: all three) chooses the phases after the first idle window
// (memory: with CANARIA_DLL_B, both builds' idle CPU, RSS and requests after fresh starts, alternating A, B, A, B);
// SCALE_BATCHES=20,100 sets the release batches. CANARIA_DLL_B=/path/canaria.dll: the release batches alternate between
// the controller under test (A, even batches) and this one (B, odd batches), on the same cluster under the same load; a
// switch stops one, starts the other and waits until its first pass is done.
if (args.Length != 4) throw new ArgumentException("usage: ScaleBench KUBECONFIG CANARIA_DLL COUNT LOGDIR");
var (kubeconfig, canaria, count, logs) = (args[0], args[1], int.Parse(args[2], CultureInfo.InvariantCulture), args[3]);
var phases = (Environment.GetEnvironmentVariable("SCALE_PHASES") is { Length: > 0 } p ? p : "restart,takeover,releases").Split(',');
var batches = (Environment.GetEnvironmentVariable("SCALE_BATCHES") is { Length: > 0 } b ? b : "20,100")
    .Split(',').Select(x => int.Parse(x, CultureInfo.InvariantCulture)).ToArray();
var config = KubeConfigSource.LoadFile(kubeconfig).Config ?? throw new InvalidOperationException($"cannot load {kubeconfig}");
using var client = new KubeClient(config with { Qps = 500, Burst = 1000 });
using var metrics = new ApiMetrics(config);
var ct = CancellationToken.None;
const string Ns = "scale";
var table = new Report();
table.Note($"load average at start: {Report.LoadAverage()}");

await Setup.NamespaceAndCrdAsync(client, Ns, ct);
await using var node = new NodeSimulator(client, "scale-node", Ns);
await node.StartAsync(ct);
// The driver's own caches of Rollouts and Deployments (a list, then a watch) to wait on, instead of listing the fleet again and again.
await using var rollouts = new KubeInformer(client, Canaria.Kubernetes.Resources.RolloutResource.Rollouts, Ns);
await using var deployments = new KubeInformer(client, KubeResource.Deployments, Ns);
rollouts.Start();
deployments.Start();
var fleet = new Fleet(client, Ns, count);
var creators = Environment.GetEnvironmentVariable("SCALE_CREATORS") is { Length: > 0 } c ? int.Parse(c, CultureInfo.InvariantCulture) : 64;
var clock = Stopwatch.StartNew();
await fleet.CreateAsync(creators, ct);
table.Row($"create Deployments+Services+Rollouts ({creators} apps at a time)", $"{count}", $"{clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F1}/s)");
clock.Restart();
await Setup.WaitForPodsAsync(deployments, count, ct); // kube-controller-manager makes the pods; the node player readies them
table.Row("every Deployment's pod Ready (kube-controller-manager + node player)", $"{count}", $"{clock.Elapsed.TotalSeconds:F1} s");

var leader = Controller.Start(canaria, kubeconfig, Ns, Path.Combine(logs, "controller-1.log"));
clock.Restart();
var firstHealthy = await Setup.WaitAsync(rollouts, count, "Healthy with a stable revision",
    r => (string?)r["status"]?["phase"] == "Healthy" && r["status"]?["stableRevision"] is not null, Setup.Timeout(20, count), ct);
table.Row("first reconcile of a new fleet (all Healthy)", $"{count}", $"{clock.Elapsed.TotalSeconds:F1} s ({count / clock.Elapsed.TotalSeconds:F1}/s)");
table.Row("first pass: the first Rollout Healthy after (controller start incl.)", $"{count}", $"{firstHealthy.TotalSeconds:F1} s");

await Task.Delay(TimeSpan.FromSeconds(30), ct); // let watches and the last status writes settle
await table.IdleAsync("idle, all Healthy", leader, metrics, count, TimeSpan.FromSeconds(60), ct);
if (phases.Contains("restart"))
{
    await leader.StopAsync();
    await fleet.TouchAllAsync("11m", ct); // every Rollout now has a generation no controller observed
    leader.Dispose();
    leader = Controller.Start(canaria, kubeconfig, Ns, Path.Combine(logs, "controller-2.log"));
    clock.Restart();
    await Setup.WaitObservedAsync(rollouts, count, "11m", ct);
    table.Row("restart (SIGTERM, new process) → all reconciled", $"{count}", $"{clock.Elapsed.TotalSeconds:F1} s");
    var memory = leader.Memory;
    table.Row("RSS after restart resync", $"{count}", $"{memory.Rss:F0} MB (peak {memory.Peak:F0} MB)");
    await Task.Delay(TimeSpan.FromSeconds(30), ct);
    await table.IdleAsync("idle after the restart's resync", leader, metrics, count, TimeSpan.FromSeconds(60), ct);
}
if (phases.Contains("takeover"))
{
    var standby = Controller.Start(canaria, kubeconfig, Ns, Path.Combine(logs, "controller-3.log"));
    await Task.Delay(TimeSpan.FromSeconds(15), ct); // the standby is up and waiting for the Lease
    await leader.KillAsync();
    clock.Restart();
    await fleet.TouchAllAsync("12m", ct);
    await Setup.WaitObservedAsync(rollouts, count, "12m", ct);
    table.Row("leader SIGKILLed → standby reconciled all (Lease 15 s incl.)", $"{count}", $"{clock.Elapsed.TotalSeconds:F1} s");
    leader.Dispose();
    leader = standby;
}

if (phases.Contains("memory") && Environment.GetEnvironmentVariable("CANARIA_DLL_B") is { Length: > 0 } baseline)
{
    // Both builds on the same fleet, alternating A, B, A, B, each freshly started: idle once its first pass is done.
    for (var round = 0; round < 4; round++)
    {
        await leader.StopAsync();
        leader.Dispose();
        leader = Controller.Start(round % 2 == 0 ? canaria : baseline, kubeconfig, Ns, Path.Combine(logs, $"controller-memory{round}.log"));
        await leader.WaitQuietAsync(TimeSpan.FromSeconds(20), ct);
        await Task.Delay(TimeSpan.FromSeconds(30), ct);
        await table.IdleAsync($"idle after a fresh start, {(round % 2 == 0 ? "A" : "B")} (round {round / 2 + 1})", leader, metrics, count, TimeSpan.FromSeconds(60), ct);
    }
}

var first = 0;
if (phases.Contains("releases"))
{
    await Task.Delay(TimeSpan.FromSeconds(20), ct);
    var releases = new ReleaseTimer(client, fleet);
    var other = Environment.GetEnvironmentVariable("CANARIA_DLL_B") is { Length: > 0 } dllB ? dllB : null;
    for (var batch = 0; batch < batches.Length; batch++)
    {
        var size = batches[batch];
        var label = other is null ? "" : batch % 2 == 0 ? " (A)" : " (B)";
        if (other is not null)
        {
            await leader.StopAsync();
            leader.Dispose();
            leader = Controller.Start(batch % 2 == 0 ? canaria : other, kubeconfig, Ns, Path.Combine(logs, $"controller-batch{batch}.log"));
            await leader.WaitQuietAsync(TimeSpan.FromSeconds(20), ct);
            table.Note($"batch {batch}{label}: load average {Report.LoadAverage()}");
        }
        var names = Enumerable.Range(first, size).Select(Fleet.Name).ToList();
        first += size;
        var result = await releases.RunAsync(names, "example.invalid/app:v2", TimeSpan.FromMinutes(5), ct);
        table.Latency($"set image → the patched Deployment seen by the driver's watch, {size} at once{label}", result.DeploymentSeen, size);
        table.Latency($"set image → first status write of the release, {size} at once{label}", result.StatusStored, size);
        table.Latency($"set image → first Event of the release, {size} at once{label}", result.FirstEvent, size);
        table.Latency($"set image → canary ReplicaSet created, {size} at once{label}", result.CanaryReplicaSet, size);
        table.Latency($"set image → first step's split verified, {size} at once{label}", result.SplitVerified, size);
        await Task.Delay(TimeSpan.FromSeconds(10), ct);
}

await Task.Delay(TimeSpan.FromSeconds(20), ct);
await table.IdleAsync($"idle, {first} paused at a step, the rest Healthy", leader, metrics, count, TimeSpan.FromSeconds(60), ct);
}
table.Note($"load average at end: {Report.LoadAverage()}");
await leader.StopAsync();
table.Print();
