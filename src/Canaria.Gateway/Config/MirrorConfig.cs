namespace Canaria.Gateway.Config;

/// <summary>Shadow traffic: copy <see cref="Percent"/>% of requests to <see cref="Version"/>; responses are discarded.</summary>
internal sealed record MirrorConfig
{
    public string Version { get; set; } = "";

    public double Percent { get; init; }
}
