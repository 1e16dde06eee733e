namespace Canaria.Core.Model;

internal sealed record ReadinessSpec
{
    public string Path { get; init; } = "/healthz";
    public TimeSpan Period { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(1);
}
