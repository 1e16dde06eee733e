using Microsoft.AspNetCore.Http;

namespace Canaria.Gateway.Routing;

/// <summary>
/// Chooses the version for a request: match rules first (in order, regardless of weights), then a valid
/// sticky cookie, then the service's deterministic weighted round-robin over versions with weight &gt; 0 and at
/// least one available endpoint (<see cref="WeightedPicker"/>). Only weighted picks advance the round-robin, so
/// rule and sticky traffic never skews the split of the rest.
/// </summary>
internal static class VersionSelector
{
    public static RouteDecision Select(CompiledService service, HttpRequest request, long now)
    {
        foreach (var rule in service.Rules)
        {
            if (rule.Matches(request))
            {
                return new RouteDecision(rule.Version, RouteReason.Rule);
            }
        }

        if (service.StickyCookie is { } cookieName && request.Cookies[cookieName] is { } pinned
            && SelectSticky(service, pinned, now) is { } sticky)
        {
            return new RouteDecision(sticky, RouteReason.Sticky);
        }

        return new RouteDecision(service.Picker.Pick(now), RouteReason.Weight);
    }

    /// <summary>The version a sticky cookie names, if it still has weight and an available endpoint; otherwise null (pick by weight).</summary>
    public static CompiledVersion? SelectSticky(CompiledService service, string pinned, long now) =>
        service.FindVersion(pinned) is { Weight: > 0 } sticky && sticky.HasAvailableEndpoint(now) ? sticky : null;

    /// <summary>Whether this request is also sent to the service's mirror version (deterministic share, see <see cref="MirrorSampler"/>).</summary>
    public static bool ShouldMirror(CompiledService service) => service.MirrorSampler?.Next() == true;
}
