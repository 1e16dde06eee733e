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

        var presented = Encoding.UTF8.GetBytes(header[Scheme.Length..].Trim());
        var expected = Encoding.UTF8.GetBytes(token);
        return CryptographicOperations.FixedTimeEquals(presented, expected);
    }
}
