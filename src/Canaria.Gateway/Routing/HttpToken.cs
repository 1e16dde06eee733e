namespace Canaria.Gateway.Routing;

/// <summary>RFC 9110 token check, used for header and cookie names.</summary>
internal static class HttpToken
{
    public static bool IsValid(string? name) =>
        !string.IsNullOrEmpty(name) && name.All(c => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal));
}
