using System.Diagnostics;
using Canaria.Local.Processes;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Processes;

public sealed class ReplicaSupervisorAdoptionTests
{
    [Fact]
    public async Task StartAsync_ReplicasLeftByPreviousSupervisor_AdoptsThemWithoutRestart()
    {
        using var dir = new TempDirectory();
        var template = SampleApp.Template("v1");
        var leaving = await SupervisorFixture.StartAsync(dir.Path, new ReplicaSupervisorOptions { LeaveRunningOnDispose = true });
        leaving.SetDesired("web-v1", template, 2);
        leaving.SetDesired("old", SampleApp.Template("v0"), 1);
        var before = await SupervisorFixture.WaitReadyAsync(leaving, "web-v1", 2);
        var old = Assert.Single((await SupervisorFixture.WaitReadyAsync(leaving, "old", 1)).Replicas);
        var oldStart = UnixProcess.ReadStartTime(old.Pid!.Value)!.Value;
        await leaving.DisposeAsync();
        Assert.NotNull(UnixProcess.ReadStartTime(before.Replicas[0].Pid!.Value));

        await using var next = await SupervisorFixture.StartAsync(dir.Path);

        var adopted = next.Observe("web-v1");
        Assert.False(adopted.Declared);
        Assert.Equal(before.Replicas.Select(r => r.Pid), adopted.Replicas.Select(r => r.Pid));
        Assert.All(adopted.Replicas, r => Assert.True(r.Adopted));
        next.SetDesired("web-v1", template, 2);
        var ready = await SupervisorFixture.WaitReadyAsync(next, "web-v1", 2);
        Assert.Equal(before.Replicas.Select(r => r.Pid), ready.Replicas.Select(r => r.Pid));
        Assert.Equal(before.Replicas.Select(r => r.Port), ready.Replicas.Select(r => r.Port));
        Assert.All(ready.Replicas, r => Assert.Equal(0, r.Restarts));

        // "old" was not declared again: it keeps running until the controller prunes.
        Assert.Contains("old", next.SetKeys);
        Assert.Equal(1, next.PruneUndeclared());
        await Poll.UntilAsync(() => !next.SetKeys.Contains("old"), "undeclared set pruned");
        Assert.True(SupervisorFixture.IsGone(old.Pid.Value, oldStart));
        Assert.NotNull(UnixProcess.ReadStartTime(ready.Replicas[0].Pid!.Value));
    }

    [Fact]
    public async Task DisposeAsync_AfterDetach_LeavesReplicasRunningForAdoption()
    {
        using var dir = new TempDirectory();
        var first = await SupervisorFixture.StartAsync(dir.Path);
        first.SetDesired("web", SampleApp.Template("v1"), 1);
        var replica = Assert.Single((await SupervisorFixture.WaitReadyAsync(first, "web", 1)).Replicas);

        await first.DetachAsync();
        await first.DisposeAsync();

        Assert.NotNull(UnixProcess.ReadStartTime(replica.Pid!.Value));
        Assert.Throws<ObjectDisposedException>(() => first.SetDesired("web", SampleApp.Template("v1"), 2));
        await using var second = await SupervisorFixture.StartAsync(dir.Path);
        Assert.Equal(replica.Pid, Assert.Single(second.Observe("web").Replicas).Pid);
        await second.StopAllAsync(CancellationToken.None);
        await Poll.UntilAsync(() => !Directory.Exists($"/proc/{replica.Pid}"), "replica stopped and reaped");
    }

    [Fact]
    public async Task StartAsync_RecordOfDeadOrReusedPid_IsDeletedAndNothingIsKilled()
    {
        using var dir = new TempDirectory();
        var records = new ReplicaRecordStore(dir.Path);
        using var exited = Process.Start(new ProcessStartInfo("/bin/true") { UseShellExecute = false })!;
        await exited.WaitForExitAsync();
        var me = Environment.ProcessId;
        records.Write(Record("dead", exited.Id, 12345));
        // our own live pid, but a different start time: a reused pid that must not be adopted or signalled
        records.Write(Record("reused", me, UnixProcess.ReadStartTime(me)!.Value + 1));

        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);

        Assert.Empty(supervisor.SetKeys);
        Assert.Empty(Directory.EnumerateFiles(records.Root, "*.json", SearchOption.AllDirectories));
        Assert.NotNull(UnixProcess.ReadStartTime(me));
    }

    private static ReplicaRecord Record(string setKey, int pid, ulong startTime) => new()
    {
        SetKey = setKey,
        Index = 0,
        Pid = pid,
        ProcessStartTime = startTime,
        Port = 1,
        TemplateHash = "0123456789abcdef",
        Version = "v1",
        LogPath = "/dev/null",
        StartedAt = DateTimeOffset.UnixEpoch,
    };
}
