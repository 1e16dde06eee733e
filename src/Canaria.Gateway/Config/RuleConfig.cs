namespace Canaria.Gateway.Config;

/// <summary>A match rule: when every matcher matches, the request goes to <see cref="Version"/> whatever the weights.</summary>
internal sealed record RuleConfig
{
    public string Name { get; set; } = "";

    public string Version { get; set; } = "";

    public IReadOnlyList<StringMatchConfig> Headers { get; set; } = [];

    public IReadOnlyList<StringMatchConfig> Cookies { get; set; } = [];

    public IReadOnlyList<StringMatchConfig> Query { get; set; } = [];
}
