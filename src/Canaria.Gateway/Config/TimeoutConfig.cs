namespace Canaria.Gateway.Config;

/// <summary>Upstream timeouts: connect (502 and a health failure) and request until response headers (504).</summary>
internal sealed record TimeoutConfig
{
    public TimeSpan Connect { get; set; } = TimeSpan.FromSeconds(5);

    public TimeSpan Request { get; set; } = TimeSpan.FromSeconds(30);
}
