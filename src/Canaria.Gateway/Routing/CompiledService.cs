using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.Routing;

/// <summary>A service in a compiled snapshot: how to recognise its requests and how to pick a version for them.</summary>
internal sealed class CompiledService
{
    public required string Name { get; init; }

    public required HostMatcher Hosts { get; init; }

    public required string PathPrefix { get; init; }

    /// <summary>In config order; the first one is the stable version.</summary>
    public required CompiledVersion[] Versions { get; init; }

    public required CompiledRule[] Rules { get; init; }

    /// <summary>Sticky cookie name, or null when stickiness is off.</summary>
    public string? StickyCookie { get; init; }

    public CompiledVersion? MirrorVersion { get; init; }

    /// <summary>Some version (the mirror included) is spoken to over HTTP/2: only the Kestrel path forwards its requests.</summary>
    public bool SpeaksHttp2Upstream { get; init; }

    public double MirrorPercent { get; init; }

    /// <summary>The deterministic weighted pick over <see cref="Versions"/> (state lives as long as this snapshot).</summary>
    public required WeightedPicker Picker { get; init; }

    /// <summary>Which requests are mirrored to <see cref="MirrorVersion"/>; null when mirroring is off.</summary>
    public MirrorSampler? MirrorSampler { get; init; }

    public required TimeSpan ConnectTimeout { get; init; }

    public required TimeSpan RequestTimeout { get; init; }

    public required int EjectAfterFailures { get; init; }

    public required TimeSpan EjectFor { get; init; }

    public Config.ActiveProbeConfig? ActiveProbe { get; init; }

    /// <summary>Bit c set: a gRPC answer with grpc-status c is a failure of the version (<see cref="GrpcStatus"/>).</summary>
    public int GrpcFailureMask { get; init; } = GrpcStatus.DefaultFailureMask;

    /// <summary>Counts requests answered 503 because no version could be chosen.</summary>
    public required VersionRecorder Unrouted { get; init; }

    public CompiledVersion? FindVersion(string name)
    {
        foreach (var version in Versions)
        {
            if (string.Equals(version.Name, name, StringComparison.Ordinal))
            {
                return version;
            }
        }

        return null;
    }
}
