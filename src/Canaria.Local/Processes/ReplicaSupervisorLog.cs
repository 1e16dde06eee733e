using Microsoft.Extensions.Logging;

namespace Canaria.Local.Processes;

internal static partial class ReplicaSupervisorLog
{
    [LoggerMessage(1, LogLevel.Information, "Started replica {SetKey}/{Index}: pid {Pid}, port {Port}")]
    public static partial void ReplicaStarted(ILogger logger, string setKey, int index, int pid, int port);

    [LoggerMessage(2, LogLevel.Warning, "Could not start replica {SetKey}/{Index}; retrying in {Delay}")]
    public static partial void LaunchFailed(ILogger logger, string setKey, int index, TimeSpan delay, Exception exception);

    [LoggerMessage(3, LogLevel.Warning, "Replica {SetKey}/{Index} (pid {Pid}) exited with code {ExitCode}; restarting in {Delay}")]
    public static partial void ReplicaCrashed(ILogger logger, string setKey, int index, int pid, int? exitCode, TimeSpan delay);

    [LoggerMessage(4, LogLevel.Information, "Replica {SetKey}/{Index} (pid {Pid}) is ready")]
    public static partial void ReplicaReady(ILogger logger, string setKey, int index, int pid);

    [LoggerMessage(5, LogLevel.Warning, "Replica {SetKey}/{Index} (pid {Pid}) is unready after {Failures} failed probes")]
    public static partial void ReplicaUnready(ILogger logger, string setKey, int index, int pid, int failures);

    [LoggerMessage(6, LogLevel.Information, "Stopping replica {SetKey}/{Index} (pid {Pid})")]
    public static partial void ReplicaStopping(ILogger logger, string setKey, int index, int pid);

    [LoggerMessage(7, LogLevel.Warning, "Replica pid {Pid} did not exit within {GracePeriod} of SIGTERM; sending SIGKILL")]
    public static partial void ReplicaKilled(ILogger logger, int pid, TimeSpan gracePeriod);

    [LoggerMessage(8, LogLevel.Information, "Adopted replica {SetKey}/{Index}: pid {Pid}, port {Port}")]
    public static partial void ReplicaAdopted(ILogger logger, string setKey, int index, int pid, int port);

    [LoggerMessage(9, LogLevel.Information, "Removed stale replica record {Path}")]
    public static partial void StaleRecordRemoved(ILogger logger, string path);

    [LoggerMessage(10, LogLevel.Error, "Replica supervisor loop iteration failed")]
    public static partial void LoopFailed(ILogger logger, Exception exception);

    [LoggerMessage(11, LogLevel.Information, "Replica {SetKey}/{Index} exited with code {ExitCode}")]
    public static partial void ReplicaExited(ILogger logger, string setKey, int index, int? exitCode);
}
