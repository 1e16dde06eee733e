using Canaria.Gateway.Routing;

namespace Canaria.Gateway.Config;

/// <summary>Checks one service: versions, weights, endpoints, rules, stickiness, mirror, timeouts, health.</summary>
internal static class ServiceValidator
{
    public static void Validate(ServiceConfig service, string at, HashSet<string> listenerNames, List<ConfigError> errors)
    {
        if (service.Listener is not null && !listenerNames.Contains(service.Listener))
        {
            errors.Add(new(at + ".listener", $"unknown listener '{service.Listener}'"));
        }

        if (string.IsNullOrEmpty(service.PathPrefix) || service.PathPrefix[0] != '/')
        {
            errors.Add(new(at + ".pathPrefix", "must start with '/'"));
        }

        for (var h = 0; h < service.Hosts.Count; h++)
        {
            var host = service.Hosts[h];
            if (string.IsNullOrWhiteSpace(host) || host.Any(c => char.IsWhiteSpace(c) || c is '/' or '@'))
            {
                errors.Add(new($"{at}.hosts[{h}]", $"'{host}' is not a host name"));
            }
        }

        var versions = new HashSet<string>(StringComparer.Ordinal);
        if (service.Versions.Count == 0)
        {
            errors.Add(new(at + ".versions", "a service needs at least one version"));
        }
        else if (service.Versions.Count > 64)
        {
            errors.Add(new(at + ".versions", "a service has at most 64 versions"));
        }

        for (var v = 0; v < service.Versions.Count; v++)
        {
            ValidateVersion(service.Versions[v], $"{at}.versions[{v}]", versions, errors);
        }

        var rules = new HashSet<string>(StringComparer.Ordinal);
        for (var r = 0; r < service.Rules.Count; r++)
        {
            RuleValidator.Validate(service.Rules[r], $"{at}.rules[{r}]", versions, rules, errors);
        }

        if (service.Sticky is { Enabled: true } sticky && !HttpToken.IsValid(sticky.CookieName))
        {
            errors.Add(new(at + ".sticky.cookieName", $"'{sticky.CookieName}' is not a valid cookie name"));
        }

        if (service.Mirror is { } mirror)
        {
            if (!versions.Contains(mirror.Version))
            {
                errors.Add(new(at + ".mirror.version", $"unknown version '{mirror.Version}'"));
            }

            if (!(mirror.Percent is >= 0 and <= 100))
            {
                errors.Add(new(at + ".mirror.percent", "must be between 0 and 100"));
            }
        }

        ValidateTimeoutsAndHealth(service, at, errors);
        ProtocolValidator.ValidateGrpc(service.Grpc, at + ".grpc", errors);
    }

    private static void ValidateVersion(VersionConfig version, string at, HashSet<string> names, List<ConfigError> errors)
    {
        if (version is null)
        {
            errors.Add(new(at, "must not be null"));
            return;
        }

        GatewayConfigValidator.RequireName(version.Name, at + ".name", names, "version", errors);
        if (version.Weight < 0)
        {
            errors.Add(new(at + ".weight", $"must be 0 or more (got {version.Weight})"));
        }

        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var e = 0; e < version.Endpoints.Count; e++)
        {
            if (!EndpointAddress.TrySplit(version.Endpoints[e], out _, out var port, out var error) || port == 0)
            {
                errors.Add(new($"{at}.endpoints[{e}]", port == 0 && error.Length == 0 ? "port 0 is not a backend port" : error));
            }
            else if (!seen.Add(version.Endpoints[e]))
            {
                errors.Add(new($"{at}.endpoints[{e}]", $"duplicate endpoint '{version.Endpoints[e]}'"));
            }
        }

        if (!Enum.IsDefined(version.Balancing))
        {
            errors.Add(new(at + ".balancing", "must be roundRobin or leastRequests"));
        }

        if (version.Protocol is { } protocol && !Enum.IsDefined(protocol))
        {
            errors.Add(new(at + ".protocol", "must be http1 or http2"));
        }
    }

    private static void ValidateTimeoutsAndHealth(ServiceConfig service, string at, List<ConfigError> errors)
    {
        if (service.Timeouts is null || service.Health is null)
        {
            errors.Add(new(at + (service.Timeouts is null ? ".timeouts" : ".health"), "must not be null"));
            return;
        }

        if (service.Timeouts.Connect <= TimeSpan.Zero)
        {
            errors.Add(new(at + ".timeouts.connect", "must be positive"));
        }

        if (service.Timeouts.Request <= TimeSpan.Zero)
        {
            errors.Add(new(at + ".timeouts.request", "must be positive"));
        }

        if (service.Health.ConsecutiveFailures < 1)
        {
            errors.Add(new(at + ".health.consecutiveFailures", "must be 1 or more"));
        }

        if (service.Health.EjectFor < TimeSpan.Zero)
        {
            errors.Add(new(at + ".health.ejectFor", "must not be negative"));
        }

        if (service.Health.ActiveProbe is { } probe)
        {
            if (string.IsNullOrEmpty(probe.Path) || probe.Path[0] != '/')
            {
                errors.Add(new(at + ".health.activeProbe.path", "must start with '/'"));
            }

            if (probe.Interval <= TimeSpan.Zero)
            {
                errors.Add(new(at + ".health.activeProbe.interval", "must be positive"));
            }

            if (probe.Timeout <= TimeSpan.Zero)
            {
                errors.Add(new(at + ".health.activeProbe.timeout", "must be positive"));
            }
        }
    }
}
