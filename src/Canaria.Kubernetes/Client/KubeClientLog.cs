using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Client;

/// <summary>The client's log messages. Paths only, never headers, tokens or bodies.</summary>
internal static partial class KubeClientLog
{
    [LoggerMessage(1, LogLevel.Debug, "Kubernetes {Method} {Path} failed: {Code} {Reason}")]
    public static partial void RequestFailed(ILogger logger, string method, string path, int code, string reason);

    [LoggerMessage(2, LogLevel.Warning, "Kubernetes {Method} {Path} failed in transport: {Message}")]
    public static partial void TransportFailed(ILogger logger, string method, string path, string message);

    [LoggerMessage(3, LogLevel.Debug, "Update of {Name} conflicted (attempt {Attempt}); retrying from a fresh read")]
    public static partial void ConflictRetried(ILogger logger, string name, int attempt);

    [LoggerMessage(4, LogLevel.Information, "Watch of {Resource} expired (410 Gone) at resourceVersion {ResourceVersion}; relisting")]
    public static partial void WatchExpired(ILogger logger, string resource, string resourceVersion);

    [LoggerMessage(5, LogLevel.Warning, "Watch of {Resource} failed ({Error}); reconnecting in {Delay}")]
    public static partial void WatchFailed(ILogger logger, string resource, string error, TimeSpan delay);

    [LoggerMessage(6, LogLevel.Debug, "Listed {Count} {Resource} at resourceVersion {ResourceVersion}")]
    public static partial void Listed(ILogger logger, int count, string resource, string resourceVersion);
}
