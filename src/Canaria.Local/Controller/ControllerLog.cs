using Microsoft.Extensions.Logging;

namespace Canaria.Local.Controller;

internal static partial class ControllerLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Rollout}: {Reason}: {Message}")]
    public static partial void Event(ILogger logger, string rollout, string reason, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Rollout}: the stored status changed under the controller; re-reading before acting")]
    public static partial void StoreConflict(ILogger logger, string rollout);

    [LoggerMessage(Level = LogLevel.Error, Message = "the gateway rejected the routing config; the previous one stays live: {Errors}")]
    public static partial void GatewayRejected(ILogger logger, string errors);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Rollout}: the stored spec no longer parses and is skipped: {Errors}")]
    public static partial void StoredSpecInvalid(ILogger logger, string rollout, string errors);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Rollout}: resumed from the state directory at {Message}")]
    public static partial void Resumed(ILogger logger, string rollout, string message);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Rollout}: reconcile failed; retrying on the next tick")]
    public static partial void ReconcileFailed(ILogger logger, string rollout, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway process cannot be reached ({Detail}); it keeps serving the last split it was given, and the controller tries again every tick")]
    public static partial void GatewayUnreachable(ILogger logger, string detail);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason}: statuses are not stored ({Attempts} failed writes since the last report; reported once a minute). Traffic back to stable is still applied; nothing else changes until the store works")]
    public static partial void StoreFailing(ILogger logger, string reason, int attempts);

    [LoggerMessage(Level = LogLevel.Information, Message = "the state store works again (it failed with: {Reason}); pending statuses and events are stored")]
    public static partial void StoreRecovered(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Rollout}: {Reason}; the decision moves traffic toward stable, so it is applied now and stored when the store works again")]
    public static partial void AppliedUnstored(ILogger logger, string rollout, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "orphan replicas {SetKey} (pids {Pids}): started by an earlier controller for a rollout this state directory does not know; left serving. Stop them by pid, or apply that rollout again to take them over")]
    public static partial void Orphans(ILogger logger, string setKey, string pids);

    [LoggerMessage(Level = LogLevel.Warning, Message = "the gateway serves listener '{Name}' for a rollout this state directory does not know; it is left serving (`canaria delete {Name}` removes it)")]
    public static partial void ForeignListener(ILogger logger, string name);
}
