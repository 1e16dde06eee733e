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
}
