namespace Canaria.Gateway.Config;

/// <summary>Matches a named header, cookie or query parameter; exactly one of exact, prefix, regex is set.</summary>
internal sealed record StringMatchConfig
{
    public string Name { get; set; } = "";

    public string? Exact { get; init; }

    public string? Prefix { get; init; }

    public string? Regex { get; init; }
}
