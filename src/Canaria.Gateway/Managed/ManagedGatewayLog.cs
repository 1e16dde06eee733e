using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.Managed;

internal static partial class ManagedGatewayLog
{
    [LoggerMessage(101, LogLevel.Information, "Managed gateway pid {Pid} (instance {Instance}) serving {Listeners} listener(s); {How}")]
    public static partial void Serving(ILogger logger, int pid, string instance, int listeners, string how);

    [LoggerMessage(102, LogLevel.Warning, "Handover failed, this gateway keeps serving: {Detail}")]
    public static partial void HandoverFailed(ILogger logger, string detail);

    [LoggerMessage(103, LogLevel.Warning, "The successor gateway (pid {Pid}) did not commit; this gateway keeps serving")]
    public static partial void HandoverAbandoned(ILogger logger, int pid);

    [LoggerMessage(104, LogLevel.Information, "Listeners handed over to gateway pid {Pid}; draining requests in flight, then exiting")]
    public static partial void HandedOver(ILogger logger, int pid);

    [LoggerMessage(105, LogLevel.Error, "The saved gateway config {Path} cannot be used, starting with no listeners until the controller pushes one: {Detail}")]
    public static partial void SavedConfigUnusable(ILogger logger, string path, string detail);

    [LoggerMessage(106, LogLevel.Error, "Could not save the applied config to {Path} (it serves, but a restarted gateway would start from an older one): {Detail}")]
    public static partial void PersistFailed(ILogger logger, string path, string detail);

    [LoggerMessage(107, LogLevel.Information, "Gateway stopping: {Reason}")]
    public static partial void Stopping(ILogger logger, string reason);
}
