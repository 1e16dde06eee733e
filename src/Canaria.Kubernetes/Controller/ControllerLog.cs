using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Controller;

internal static partial class ControllerLog
{
    [LoggerMessage(100, LogLevel.Information, "Rollout {Namespace}/{Name}: {Reason}: {Message}")]
    public static partial void Event(ILogger logger, string @namespace, string name, string reason, string message);

    [LoggerMessage(101, LogLevel.Debug, "Status of rollout {Name} not written: {Error}")]
    public static partial void StatusNotWritten(ILogger logger, string name, string error);

    [LoggerMessage(102, LogLevel.Warning, "Reconcile of rollout {Key} failed: {Error}")]
    public static partial void ReconcileFailed(ILogger logger, string key, string error);

    [LoggerMessage(103, LogLevel.Error, "Reconcile of rollout {Key} threw")]
    public static partial void ReconcileThrew(ILogger logger, string key, Exception exception);

    [LoggerMessage(140, LogLevel.Debug, "Reconcile of rollout {Key}, deleted meanwhile, ended with: {Error}")]
    public static partial void ReconcileOfDeleted(ILogger logger, string key, string error);

    [LoggerMessage(104, LogLevel.Information, "{Identity} leads (Lease {Lease})")]
    public static partial void Leading(ILogger logger, string identity, string lease);

    [LoggerMessage(105, LogLevel.Warning, "{Identity} stopped leading (Lease {Lease})")]
    public static partial void StoppedLeading(ILogger logger, string identity, string lease);

    [LoggerMessage(106, LogLevel.Warning, "{Identity} could not read or write Lease {Lease}: {Error}")]
    public static partial void LeaseFailed(ILogger logger, string identity, string lease, string error);

    [LoggerMessage(107, LogLevel.Information, "Caches synced: {Count} Rollouts queued for {Workers} workers")]
    public static partial void Synced(ILogger logger, int count, int workers);

    [LoggerMessage(130, LogLevel.Warning, "Rollout {Key}: Deployment {Deployment} was resumed by someone else; paused again")]
    public static partial void DeploymentResumed(ILogger logger, string key, string deployment);

    [LoggerMessage(108, LogLevel.Warning, "{What} dropped: the background write queue is full ({Dropped} dropped since the start)")]
    public static partial void WriteDropped(ILogger logger, string what, int dropped);

    [LoggerMessage(109, LogLevel.Warning, "A background write failed")]
    public static partial void WriteFailed(ILogger logger, Exception exception);
}
