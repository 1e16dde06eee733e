using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// The logger factory given to listener servers. It silences the generic-host and hosting-diagnostics
/// categories: ASP.NET Core creates an <c>Activity</c> per request whenever its hosting logger is
/// enabled at any level, and HttpClient then creates a child Activity for the upstream call; on a
/// proxy that costs more than the gateway's own routing. Bind failures are reported by the gateway itself.
/// </summary>
internal sealed class ListenerLoggerFactory(ILoggerFactory inner) : ILoggerFactory
{
    public ILogger CreateLogger(string categoryName) =>
        categoryName.StartsWith("Microsoft.AspNetCore.Hosting", StringComparison.Ordinal)
        || categoryName.StartsWith("Microsoft.Extensions.Hosting", StringComparison.Ordinal)
            ? NullLogger.Instance
            : inner.CreateLogger(categoryName);

    public void AddProvider(ILoggerProvider provider) => inner.AddProvider(provider);

    public void Dispose()
    {
        // The inner factory belongs to the gateway host.
    }
}
