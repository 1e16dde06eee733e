using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Routing;

/// <summary>
/// Chooses the version for a request: match rules first (in order, regardless of weights), then a valid
/// sticky cookie, then a weighted draw over versions with weight &gt; 0 and at least one available endpoint.
/// </summary>
internal static class VersionSelector
{
    public static RouteDecision Select(CompiledService service, HttpRequest request, Random random, long now)
    {
        foreach (var rule in service.Rules)
        {
            if (rule.Matches(request))
            {
                return new RouteDecision(rule.Version, RouteReason.Rule);
            }
        }

        if (service.StickyCookie is { } cookieName
            && request.Cookies[cookieName] is { } pinned
            && service.FindVersion(pinned) is { Weight: > 0 } sticky
            && sticky.HasAvailableEndpoint(now))
        {
            return new RouteDecision(sticky, RouteReason.Sticky);
        }

        return new RouteDecision(DrawByWeight(service.Versions, random, now), RouteReason.Weight);
    }

    public static CompiledVersion? DrawByWeight(CompiledVersion[] versions, Random random, long now)
    {
        long total = 0;
        var eligibleMask = 0UL;
        for (var i = 0; i < versions.Length; i++)
        {
            var v = versions[i];
            if (v.Weight > 0 && v.HasAvailableEndpoint(now))
            {
                total += v.Weight;
                eligibleMask |= i < 64 ? 1UL << i : 0;
            }
        }

        if (total == 0)
        {
            return null;
        }

        var draw = random.NextInt64(total);
        for (var i = 0; i < versions.Length && i < 64; i++)
        {
            if ((eligibleMask & (1UL << i)) == 0)
            {
                continue;
            }

            draw -= versions[i].Weight;
            if (draw < 0)
            {
                return versions[i];
            }
        }

        return null;
    }
}
