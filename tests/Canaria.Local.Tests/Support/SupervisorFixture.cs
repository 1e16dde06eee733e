using Canaria.Local.Processes;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Local.Tests.Support;

/// <summary>Helpers to create supervisors on a temp state directory and read their snapshots.</summary>
internal static class SupervisorFixture
{
    public static ReplicaSupervisor Create(string stateDirectory, ReplicaSupervisorOptions? options = null) =>
        new(stateDirectory, TimeProvider.System, NullLogger<ReplicaSupervisor>.Instance, options);

    public static async Task<ReplicaSupervisor> StartAsync(string stateDirectory, ReplicaSupervisorOptions? options = null)
    {
        var supervisor = Create(stateDirectory, options);
        await supervisor.StartAsync(CancellationToken.None);
        return supervisor;
    }

    public static Task<ReplicaSetSnapshot> WaitReadyAsync(ReplicaSupervisor supervisor, string setKey, int count) =>
        Poll.UntilAsync(
            () => supervisor.Observe(setKey),
            s => s.ReadyCount == count && s.Replicas.Count == count,
            $"{count} ready replicas in {setKey}");

    public static bool IsGone(int pid, ulong startTime) => !UnixProcess.IsAlive(pid, startTime);

    public static string Describe(ReplicaSetSnapshot snapshot) =>
        string.Join("; ", snapshot.Replicas.Select(r => $"#{r.Index} pid={r.Pid} {r.State} restarts={r.Restarts} exit={r.LastExitCode}"));
}
