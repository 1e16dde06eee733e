using System.Net.Http.Headers;
using System.Text;
using Canaria.Core.Model;

namespace Canaria.Analysis.Metrics;

/// <summary>Builds the Authorization header from a secret read at use from an env var or a file; the secret never reaches a log or status.</summary>
internal static class SourceAuth
{
    /// <summary>Null header and null error without auth; an error (naming only where the secret should be) when it cannot be read.</summary>
    public static (AuthenticationHeaderValue? Header, string? Error) Header(AuthSpec? auth)
    {
        if (auth is null) return (null, null);
        string? secret;
        if (auth.SecretEnv is { } env)
        {
            secret = Environment.GetEnvironmentVariable(env);
            if (string.IsNullOrEmpty(secret)) return (null, $"the secret environment variable {env} is not set");
        }
        else
        {
            var file = auth.SecretFile!;
            if (!File.Exists(file)) return (null, $"the secret file {file} does not exist");
            secret = File.ReadAllText(file).Trim();
        }
        return auth.Username is { } user
            ? (new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{secret}"))), null)
            : (new AuthenticationHeaderValue("Bearer", secret), null);
    }
}
