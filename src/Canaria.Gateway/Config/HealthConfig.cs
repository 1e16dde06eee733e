namespace Canaria.Gateway.Config;

/// <summary>Passive health (eject after consecutive connect failures) and optional active probes.</summary>
internal sealed record HealthConfig
{
    public int ConsecutiveFailures { get; set; } = 3;

    public TimeSpan EjectFor { get; set; } = TimeSpan.FromSeconds(10);

    public ActiveProbeConfig? ActiveProbe { get; init; }
}
