using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Gateway.Hosting;

/// <summary>What a <see cref="GatewayRuntime"/> depends on. <see cref="Random"/> must be thread-safe (Random.Shared is).</summary>
internal sealed record GatewayRuntimeOptions
{
    public TimeProvider Time { get; init; } = TimeProvider.System;

    public Random Random { get; init; } = Random.Shared;

    public ILoggerFactory LoggerFactory { get; init; } = NullLoggerFactory.Instance;
}
