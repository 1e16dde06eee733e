using Canaria.Local.Processes;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Processes;

public sealed class ReplicaSupervisorLifecycleTests
{
    // A replica that ignores SIGTERM (the ignored disposition survives exec) and never listens.
    private static readonly ReplicaTemplate Stubborn = new()
    {
        Version = "v1",
        FileName = "/bin/sh",
        Arguments = ["-c", "trap '' TERM; echo started {instance} on {port}; exec sleep 60"],
        ReadinessPath = null,
        GracePeriod = TimeSpan.FromMilliseconds(300),
    };

    [Fact]
    public async Task StopAllAsync_ReplicaIgnoringSigterm_IsKilledAfterGracePeriod()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        supervisor.SetDesired("stubborn", Stubborn, 1);
        var replica = await Poll.UntilAsync(
            () => supervisor.Observe("stubborn").Replicas.SingleOrDefault(),
            r => r?.Pid is not null && File.Exists(r.LogPath) && File.ReadAllText(r.LogPath).Contains("started v1-0 on", StringComparison.Ordinal),
            "the stubborn replica running");
        var start = UnixProcess.ReadStartTime(replica!.Pid!.Value)!.Value;
        Assert.Equal(ReplicaState.Starting, replica.State); // nothing listens: never Ready

        var stopwatch = System.Diagnostics.Stopwatch.StartNew();
        await supervisor.StopAllAsync(CancellationToken.None);

        Assert.True(SupervisorFixture.IsGone(replica.Pid.Value, start));
        Assert.True(stopwatch.Elapsed >= Stubborn.GracePeriod, $"stopped after {stopwatch.Elapsed}, before the grace period ended");
    }

    [Fact]
    public async Task SetDesired_LogAboveLimit_RotatesLogBeforeStarting()
    {
        using var dir = new TempDirectory();
        var logPath = Path.Combine(dir.Path, "logs", "big", "0.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await File.WriteAllTextAsync(logPath, new string('x', 2000));
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path, new ReplicaSupervisorOptions { MaxLogBytes = 1000 });

        supervisor.SetDesired("big", Stubborn with { GracePeriod = TimeSpan.FromMilliseconds(100) }, 1);

        await Poll.UntilAsync(() => File.Exists(logPath) && File.ReadAllText(logPath).StartsWith("started v1-0", StringComparison.Ordinal), "fresh log");
        Assert.Equal(2000, new FileInfo(logPath + ".1").Length);
    }

    [Fact]
    public void SetDesired_InvalidSetKey_Throws()
    {
        using var dir = new TempDirectory();
        var supervisor = SupervisorFixture.Create(dir.Path);

        Assert.Throws<ArgumentException>(() => supervisor.SetDesired("../escape", Stubborn, 1));
        Assert.Throws<ArgumentException>(() => supervisor.SetDesired("a/b", Stubborn, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => supervisor.SetDesired("ok", Stubborn, -1));
        Assert.Empty(supervisor.SetKeys);
    }

    [Fact]
    public void Observe_UnknownSet_ReturnsEmptySnapshot()
    {
        using var dir = new TempDirectory();
        var supervisor = SupervisorFixture.Create(dir.Path);

        var snapshot = supervisor.Observe("nothing");

        Assert.Equal(("nothing", 0, 0), (snapshot.SetKey, snapshot.Desired, snapshot.ReadyCount));
        Assert.Empty(snapshot.Replicas);
    }
}
