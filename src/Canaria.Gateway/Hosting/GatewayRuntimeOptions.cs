using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Gateway.Hosting;

/// <summary>What a <see cref="GatewayRuntime"/> depends on.</summary>
internal sealed record GatewayRuntimeOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
