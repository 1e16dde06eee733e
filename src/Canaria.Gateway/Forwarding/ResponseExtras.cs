using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Canaria.Gateway.Forwarding;

/// <summary>Headers the gateway adds to a response: the version that served it and, when pinning, the sticky cookie.</summary>
internal readonly record struct ResponseExtras(string? VersionHeader, string VersionName, string? StickyCookie)
{
    public void Apply(HttpResponse response)
    {
        if (VersionHeader is not null)
        {
            response.Headers[VersionHeader] = VersionName;
        }

        if (StickyCookie is not null)
        {
            response.Headers.Append(HeaderNames.SetCookie, $"{StickyCookie}={VersionName}; Path=/; HttpOnly; SameSite=Lax");
        }
    }
}
