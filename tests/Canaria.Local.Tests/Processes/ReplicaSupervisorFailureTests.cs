using Canaria.Local.Processes;
using Canaria.Local.Tests.Support;

namespace Canaria.Local.Tests.Processes;

public sealed class ReplicaSupervisorFailureTests
{
    [Fact]
    public async Task Replica_CrashesWithExitCode3_IsRestartedAfterBackoffAndRestartCountGrows()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        supervisor.SetDesired("crashy", SampleApp.Template("v1", "--crash-after-requests", "1"), 1);
        var first = Assert.Single((await SupervisorFixture.WaitReadyAsync(supervisor, "crashy", 1)).Replicas);
        Assert.Equal(0, first.Restarts);

        using (await Http.Client.GetAsync(new Uri(first.Url + "/")))
        {
        }

        var backingOff = Assert.Single((await Poll.UntilAsync(
            () => supervisor.Observe("crashy"),
            s => s.Replicas.Single().State == ReplicaState.BackingOff,
            "the crashed replica backing off")).Replicas);
        Assert.Equal(3, backingOff.LastExitCode);
        Assert.Null(backingOff.Pid);
        Assert.NotNull(backingOff.NextRestartAt);

        var restarted = Assert.Single((await SupervisorFixture.WaitReadyAsync(supervisor, "crashy", 1)).Replicas);
        Assert.Equal(1, restarted.Restarts);
        Assert.NotEqual(first.Pid, restarted.Pid);
        Assert.True(restarted.StartedAt >= backingOff.NextRestartAt, $"restarted at {restarted.StartedAt}, before the back-off ended at {backingOff.NextRestartAt}");
    }

    [Fact]
    public async Task Replica_AdminUnready_BecomesUnreadyThenReadyAgain()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        supervisor.SetDesired("web", SampleApp.Template("v1"), 1);
        var replica = Assert.Single((await SupervisorFixture.WaitReadyAsync(supervisor, "web", 1)).Replicas);

        using (await Http.Client.PostAsync(new Uri(replica.Url + "/admin/unready"), null))
        {
        }

        var unready = await Poll.UntilAsync(() => supervisor.Observe("web"), s => s.Replicas.Single().State == ReplicaState.Unready, "replica unready");
        Assert.Equal(0, unready.ReadyCount);
        Assert.Equal(replica.Pid, unready.Replicas.Single().Pid);

        using (await Http.Client.PostAsync(new Uri(replica.Url + "/admin/ready"), null))
        {
        }
        await SupervisorFixture.WaitReadyAsync(supervisor, "web", 1);
    }

    [Fact]
    public async Task SetDesired_CommandNotFound_BacksOffWithAnError()
    {
        using var dir = new TempDirectory();
        await using var supervisor = await SupervisorFixture.StartAsync(dir.Path);
        var template = new ReplicaTemplate { Version = "v1", FileName = "/nonexistent/canaria-no-such-program", Arguments = ["{port}"] };

        supervisor.SetDesired("broken", template, 1);

        var replica = Assert.Single((await Poll.UntilAsync(
            () => supervisor.Observe("broken"),
            s => s.Replicas.Count == 1 && s.Replicas[0].State == ReplicaState.BackingOff,
            "the broken replica backing off")).Replicas);
        Assert.Equal(127, replica.LastExitCode);
        Assert.Contains("not found", replica.LastError, StringComparison.Ordinal);
        Assert.Equal(0, supervisor.Observe("broken").ReadyCount);
    }

    [Fact]
    public void BackoffFor_SuccessiveCrashes_DoublesFromOneSecondUpToThirty()
    {
        var options = new ReplicaSupervisorOptions();

        var delays = Enumerable.Range(0, 8).Select(options.BackoffFor).Select(d => d.TotalSeconds);

        Assert.Equal([1, 2, 4, 8, 16, 30, 30, 30], delays);
    }
}
