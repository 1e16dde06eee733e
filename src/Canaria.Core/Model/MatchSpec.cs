namespace Canaria.Core.Model;

internal enum MatchKind
{
    Header,
    Cookie,
    Query,
}

internal enum MatchOperator
{
    Exact,
    Prefix,
    Regex,
}

/// <summary>One condition sending test users to the canary: a header, cookie or query parameter.</summary>
internal sealed record MatchSpec
{
    public MatchKind Kind { get; init; }
    public string Name { get; init; } = "";
    public MatchOperator Operator { get; init; }
    public string Value { get; init; } = "";
}
