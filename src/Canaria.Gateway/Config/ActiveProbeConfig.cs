namespace Canaria.Gateway.Config;

/// <summary>An HTTP GET probe per endpoint; a non-2xx answer or no answer marks the endpoint down until the next good probe.</summary>
internal sealed record ActiveProbeConfig
{
    public string Path { get; set; } = "/healthz";

    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
