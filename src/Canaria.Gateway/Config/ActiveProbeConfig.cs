namespace Canaria.Gateway.Config;

/// <summary>An HTTP GET probe per endpoint; a non-2xx answer or no answer marks the endpoint down until the next good probe.</summary>
internal sealed record ActiveProbeConfig
{
    public string Path { get; init; } = "/healthz";

    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(2);
}
