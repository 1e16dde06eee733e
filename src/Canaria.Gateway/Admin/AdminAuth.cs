using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Admin;

/// <summary>Constant-time bearer token check.</summary>
internal static class AdminAuth
{
    public static bool IsAuthorized(HttpRequest request, string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return false;
        }

        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Bearer ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        return TokenEquals(header[Scheme.Length..].Trim(), token);
    }

    /// <summary>Constant-time comparison of a presented token with the expected one; an empty expected token matches nothing.</summary>
    public static bool TokenEquals(string? presented, string? expected)
    {
        if (string.IsNullOrEmpty(expected) || presented is null)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(expected));
    }
}
