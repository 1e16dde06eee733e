namespace Canaria.Gateway.Config;

/// <summary>One problem in a config: <see cref="Field"/> is a path like <c>services[0].versions[1].weight</c>.</summary>
internal sealed record ConfigError(string Field, string Message)
{
    public override string ToString() => $"{Field}: {Message}";
}
