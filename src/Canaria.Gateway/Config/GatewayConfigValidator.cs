using Canaria.Gateway.Routing;

namespace Canaria.Gateway.Config;

/// <summary>Checks a whole config and reports every bad field at once (nothing is applied if any error is found).</summary>
internal static class GatewayConfigValidator
{
    public static IReadOnlyList<ConfigError> Validate(GatewayConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var errors = new List<ConfigError>();
        var listenerNames = new HashSet<string>(StringComparer.Ordinal);
        var addresses = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < config.Listeners.Count; i++)
        {
            var listener = config.Listeners[i];
            var at = $"listeners[{i}]";
            if (listener is null)
            {
                errors.Add(new(at, "must not be null"));
                continue;
            }

            RequireName(listener.Name, at + ".name", listenerNames, "listener", errors);
            if (!ListenerAddress.TryParse(listener.Address, out var endPoint, out var error))
            {
                errors.Add(new(at + ".address", error));
            }
            else if (endPoint.Port != 0 && !addresses.Add(ListenerAddress.Format(endPoint)))
            {
                errors.Add(new(at + ".address", $"'{listener.Address}' is used by another listener"));
            }

            ProtocolValidator.ValidateListener(listener, at, errors);
        }

        if (!string.IsNullOrEmpty(config.VersionHeader) && !HttpToken.IsValid(config.VersionHeader))
        {
            errors.Add(new("versionHeader", $"'{config.VersionHeader}' is not a valid header name"));
        }

        var serviceNames = new HashSet<string>(StringComparer.Ordinal);
        var routes = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < config.Services.Count; i++)
        {
            var service = config.Services[i];
            if (service is null)
            {
                errors.Add(new($"services[{i}]", "must not be null"));
                continue;
            }

            ServiceValidator.Validate(service, $"services[{i}]", listenerNames, errors);
            RequireName(service.Name, $"services[{i}].name", serviceNames, "service", errors);
            foreach (var host in service.Hosts.Count == 0 ? ["*"] : service.Hosts)
            {
                if (!routes.Add($"{service.Listener ?? "*"}|{host}|{service.PathPrefix}"))
                {
                    errors.Add(new($"services[{i}].pathPrefix", $"host '{host}' with path prefix '{service.PathPrefix}' is already routed by another service"));
                }
            }
        }

        return errors;
    }

    internal static void RequireName(string? name, string field, HashSet<string> seen, string what, List<ConfigError> errors)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            errors.Add(new(field, $"a {what} needs a name"));
        }
        else if (!seen.Add(name))
        {
            errors.Add(new(field, $"duplicate {what} name '{name}'"));
        }
    }
}
