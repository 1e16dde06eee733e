using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.EndToEnd.Tests.Support;
using Canaria.Local.State;

namespace Canaria.EndToEnd.Tests.Rollouts;

/// <summary>
/// The state directory on a real filesystem that fills up (a small tmpfs): an abort still reaches the gateway, the API
/// says 503 with the reason, nothing else changes, the failure is logged once (not per tick), and the abort is stored
/// once there is room again.
/// </summary>
[Collection(LocalControllerCollection.Name)]
public sealed class StoreFailureTests
{
    [Fact]
    public async Task Abort_StateDirectoryOnFullFilesystem_GatewayServesStableAndApiAnswers503WithReason()
    {
        const string name = "full";
        using var mount = TmpfsMount.Create(megabytes: 32);
        using var logs = new CapturedLogs();
        using var factory = logs.Factory();
        await using var f = await LocalRolloutFixture.StartAsync(Path.Combine(mount.Path, "state"), factory);
        var steps = SampleRollout.ManualCanarySteps(50);
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        await f.WaitHealthyAsync(name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        var paused = await f.WaitPausedAtAsync(name, 0, 50);
        var canaryPids = LocalRolloutFixture.Pids(paused, paused.Status.CanaryRevision!.Value);

        await using var probe = new TrafficProbe(f.Host.ServiceAddress(name)!);
        var before = await probe.BurstAsync(200);
        Assert.InRange(TrafficProbe.Share(before, "v2"), 0.3, 0.7); // the canary really serves half

        var filler = mount.Fill();
        using var api = Api(f);
        var dbPath = Path.Combine(f.StateDir, "canaria.db");

        // Any command but a rollback changes nothing and says why.
        using (var pause = await api.PostAsync($"rollouts/{name}/pause", null))
        {
            Assert.Equal(HttpStatusCode.ServiceUnavailable, pause.StatusCode);
            Assert.Contains($"state store: disk full at {dbPath}", await pause.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
        Assert.False(f.View(name).Status.Paused, "pause was applied although it could not be stored");

        var clock = Stopwatch.StartNew();
        using (var abort = await api.PostAsync($"rollouts/{name}/abort", null))
        {
            var body = await abort.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.ServiceUnavailable, abort.StatusCode);
            Assert.Contains($"state store: disk full at {dbPath}", body, StringComparison.Ordinal);
            Assert.Contains("applied anyway", body, StringComparison.Ordinal);
        }
        var aborted = await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Aborted && v.AppliedTraffic is { CanaryWeight: 0 } or { CanaryRevision: null },
            "the abort to reach the gateway although the store is full", seconds: 10);
        var reaction = clock.Elapsed;
        Assert.NotNull(aborted.NotStored);

        // Real traffic through the gateway: stable serves everything; the canary's processes stop.
        var after = await probe.BurstAsync(300);
        TrafficProbe.AssertNoFailures(after, "after the abort on a full disk");
        Assert.All(after, a => Assert.Equal("v1", a.GatewayVersion));
        Assert.All(after, a => Assert.Equal("v1", a.AppBodyVersion));
        await LocalRolloutFixture.WaitProcessesGoneAsync(canaryPids, "canary after the unstored abort");

        using (var retry = await api.PostAsync($"rollouts/{name}/retry", null))
            Assert.Equal(HttpStatusCode.ServiceUnavailable, retry.StatusCode);
        Assert.Equal(RolloutPhase.Aborted, f.View(name).Status.Phase); // nothing else changed

        // Logged once (reported once a minute), never a stack trace per tick.
        Assert.Equal(1, logs.Count("statuses are not stored"));
        Assert.DoesNotContain(logs.Lines, l => l.WithException);

        // Room again: the abort and its events are stored.
        File.Delete(filler);
        await f.WaitForAsync(name, v => v.NotStored is null, "the unstored abort to be stored once there is room", seconds: 10);
        using var store = StateStore.Open(dbPath, TimeProvider.System);
        var stored = JsonNode.Parse(store.GetRollout(name)!.StatusJson)!;
        Assert.Equal("aborted", stored["phase"]!.GetValue<string>());
        Assert.Equal(1, logs.Count("the state store works again"));
        await WaitUntilAsync(() => store.ListEvents(name, 50).Any(e => e.Message.Contains("abort", StringComparison.OrdinalIgnoreCase)), "the abort event in the history");
        Console.WriteLine($"abort on a full disk reached the gateway in {reaction.TotalMilliseconds:F0} ms");
    }

    [Fact]
    public async Task Abort_DatabaseLockedByAnotherProcess_AppliedWithinSecondsAndApiAnswers503Busy()
    {
        const string name = "busy";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(50);
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        await f.WaitHealthyAsync(name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        await f.WaitPausedAtAsync(name, 0, 50);
        var dbPath = Path.Combine(f.StateDir, "canaria.db");
        using var api = Api(f);

        // Another writer holds the database's write lock (as a sqlite3 shell or a backup tool would).
        using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dbPath};Pooling=False"))
        {
            other.Open();
            using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                begin.ExecuteNonQuery();
            }
            var clock = Stopwatch.StartNew();
            using (var abort = await api.PostAsync($"rollouts/{name}/abort", null))
            {
                Assert.Equal(HttpStatusCode.ServiceUnavailable, abort.StatusCode);
                Assert.Contains($"state store: {dbPath} is locked by another process (busy)", await abort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            var answered = clock.Elapsed;
            await f.WaitForAsync(name, v => v.Status.Phase == RolloutPhase.Aborted && v.AppliedTraffic is { CanaryWeight: 0 } or { CanaryRevision: null },
                "the abort to reach the gateway although the store is locked", seconds: 10);
            var reaction = clock.Elapsed;
            await using var probe = new TrafficProbe(f.Host.ServiceAddress(name)!);
            var after = await probe.BurstAsync(200);
            TrafficProbe.AssertNoFailures(after, "after the abort on a locked store");
            Assert.All(after, a => Assert.Equal("v1", a.GatewayVersion));
            Assert.True(reaction < TimeSpan.FromSeconds(5), $"the abort took {reaction.TotalMilliseconds:F0} ms to reach the gateway");
            Console.WriteLine($"abort on a locked store: answered (503) in {answered.TotalMilliseconds:F0} ms, reached the gateway in {reaction.TotalMilliseconds:F0} ms");
            using var rollback = other.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        await f.WaitForAsync(name, v => v.NotStored is null, "the abort to be stored once the lock is gone", seconds: 10);
    }

    [Fact]
    public async Task Undo_ToStableWhileDatabaseLocked_ReleaseCancelledNowAndSpecStoredLater()
    {
        const string name = "undo";
        await using var f = await LocalRolloutFixture.StartAsync();
        var steps = SampleRollout.ManualCanarySteps(50);
        await f.ApplyAsync(SampleRollout.Spec(name, "v1", steps));
        await f.WaitHealthyAsync(name, "v1");
        await f.ApplyAsync(SampleRollout.Spec(name, "v2", steps));
        await f.WaitPausedAtAsync(name, 0, 50);
        var dbPath = Path.Combine(f.StateDir, "canaria.db");

        using (var other = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={dbPath};Pooling=False"))
        {
            other.Open();
            using (var begin = other.CreateCommand())
            {
                begin.CommandText = "BEGIN IMMEDIATE;";
                begin.ExecuteNonQuery();
            }
            var reply = await f.Controller.UndoAsync(name, null, CancellationToken.None);
            Assert.True(reply.Unavailable, reply.Message);
            Assert.Contains("is locked by another process", reply.Message, StringComparison.Ordinal);
            Assert.Contains("cancelled anyway", reply.Message, StringComparison.Ordinal);
            await f.WaitForAsync(name, v => v.Status.Cancelled && v.AppliedTraffic is { CanaryWeight: 0 } or { CanaryRevision: null },
                "the cancel to reach the gateway although the store is locked", seconds: 10);
            await using var probe = new TrafficProbe(f.Host.ServiceAddress(name)!);
            var after = await probe.BurstAsync(200);
            TrafficProbe.AssertNoFailures(after, "after the cancel on a locked store");
            Assert.All(after, a => Assert.Equal("v1", a.GatewayVersion));
            using var rollback = other.CreateCommand();
            rollback.CommandText = "ROLLBACK;";
            rollback.ExecuteNonQuery();
        }
        await f.WaitForAsync(name, v => v.NotStored is null, "the cancel to be stored once the lock is gone", seconds: 10);
        using var store = StateStore.Open(dbPath, TimeProvider.System);
        var stored = store.GetRollout(name)!;
        Assert.Contains("version: v1", stored.Spec, StringComparison.Ordinal);
        Assert.True(JsonNode.Parse(stored.StatusJson)!["cancelled"]!.GetValue<bool>());
    }

    private static HttpClient Api(LocalRolloutFixture f)
    {
        var client = new HttpClient { BaseAddress = new Uri(f.Host.ApiAddress, "api/v1/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", f.Host.Token);
        return client;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"timed out waiting for {what}");
            await Task.Delay(50);
        }
    }
}
