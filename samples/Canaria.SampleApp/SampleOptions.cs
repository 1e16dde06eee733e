using System.Net;

namespace Canaria.SampleApp;

/// <summary>The sample app's knobs, after parsing arguments and environment variables.</summary>
internal sealed record SampleOptions
{
    public required int Port { get; init; }
    public IPAddress Address { get; init; } = IPAddress.Loopback;
    public string Version { get; init; } = "v1";
    public required string Instance { get; init; }
    public double ErrorRate { get; init; }
    public int LatencyMs { get; init; }
    public int LatencyJitterMs { get; init; }
    public int StartupDelayMs { get; init; }
    public double? CrashAfterSeconds { get; init; }
    public long? CrashAfterRequests { get; init; }

    /// <summary>Serve HTTP/2 with prior knowledge only (h2c), as a gRPC server does.</summary>
    public bool Http2Only { get; init; }
}
