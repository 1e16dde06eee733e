using Canaria.Gateway.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Gateway.Hosting;

/// <summary>How to start a <see cref="GatewayHost"/>.</summary>
internal sealed record GatewayHostOptions
{
    public GatewayConfig InitialConfig { get; init; } = new();

    /// <summary>Admin API address (<c>127.0.0.1:0</c> picks a port); null disables the admin listener.</summary>
    public string? AdminAddress { get; init; } = "127.0.0.1:0";

    /// <summary>Bearer token for the admin API; without one the admin listener is not started.</summary>
    public string? AdminToken { get; init; }

    public bool AllowAnonymousMetrics { get; init; }

    /// <summary>Serve the admin API on this Unix socket (mode 0600) instead of <see cref="AdminAddress"/>, with the managed endpoints.</summary>
    public string? AdminUnixSocket { get; init; }

    /// <summary>Listening sockets handed over by the gateway process this one replaces.</summary>
    public IReadOnlyList<InheritedListener> Inherited { get; init; } = [];

    /// <summary>Called after every changed config went live (under the apply lock).</summary>
    public Func<GatewayConfig, string, CancellationToken, ValueTask>? OnApplied { get; init; }

    /// <summary>A YAML/JSON file to watch; every change is validated and applied (or rejected and logged).</summary>
    public string? ConfigFilePath { get; init; }

    /// <summary>The text <see cref="InitialConfig"/> came from, so the watcher does not re-apply it.</summary>
    public string? ConfigFileText { get; init; }

    /// <summary>
    /// Serve plain-HTTP listeners with the fast path (the default), or with Kestrel and <c>SocketsHttpHandler</c> when
    /// false. The environment variable <c>CANARIA_GATEWAY_ENGINE=kestrel</c> chooses Kestrel for every gateway of a process.
    /// </summary>
    public bool FastPath { get; init; } = !string.Equals(Environment.GetEnvironmentVariable("CANARIA_GATEWAY_ENGINE"), "kestrel", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// On fast-path listeners, proxy h2c (HTTP/2 prior knowledge, gRPC) connections on the fast path's own HTTP/2 loop (the
    /// default), or hand each such connection whole to a Kestrel HTTP/2 server when false. The environment variable
    /// <c>CANARIA_GATEWAY_H2=kestrel</c> chooses the hand-off for every gateway of a process.
    /// </summary>
    public bool Http2FastPath { get; init; } = !string.Equals(Environment.GetEnvironmentVariable("CANARIA_GATEWAY_H2"), "kestrel", StringComparison.OrdinalIgnoreCase);

    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
