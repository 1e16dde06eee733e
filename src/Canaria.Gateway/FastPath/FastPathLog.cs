using Microsoft.Extensions.Logging;

namespace Canaria.Gateway.FastPath;

/// <summary>Log messages of the fast path (its per-request messages are the shared ones in <see cref="Hosting.GatewayLog"/>).</summary>
internal static partial class FastPathLog
{
    [LoggerMessage(300, LogLevel.Warning, "Listener {Listener}: a connection failed unexpectedly and was closed")]
    public static partial void ConnectionFailed(ILogger logger, string listener, Exception error);

    [LoggerMessage(301, LogLevel.Information, "Listener {Listener}: a connection the fast path does not serve ({What}) went to the full path")]
    public static partial void HandedToFullPath(ILogger logger, string listener, string what);
}
