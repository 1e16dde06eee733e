namespace Canaria.Gateway.Config;

/// <summary>Outcome of applying a config: accepted (now live) or rejected whole with every error found.</summary>
internal sealed record ConfigApplyResult(bool Accepted, IReadOnlyList<ConfigError> Errors)
{
    public static ConfigApplyResult Ok { get; } = new(true, []);

    public static ConfigApplyResult Rejected(IReadOnlyList<ConfigError> errors) => new(false, errors);
}
