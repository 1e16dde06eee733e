namespace Canaria.Gateway.Config;

/// <summary>A match rule: when every matcher matches, the request goes to <see cref="Version"/> whatever the weights.</summary>
internal sealed record RuleConfig
{
    public string Name { get; init; } = "";

    public string Version { get; init; } = "";

    public IReadOnlyList<StringMatchConfig> Headers { get; init; } = [];

    public IReadOnlyList<StringMatchConfig> Cookies { get; init; } = [];

    public IReadOnlyList<StringMatchConfig> Query { get; init; } = [];
}
