using Canaria.Gateway.Config;

namespace Canaria.Gateway.Hosting;

/// <summary>
/// Which changes a bound listener takes in place: its certificate files (and how often they are checked). Turning
/// TLS on or off or changing its protocols needs a new Kestrel endpoint on the same port, which cannot be bound while
/// the old one serves; such a config is rejected (use another address or listener name) rather than dropping traffic.
/// </summary>
internal static class ListenerChange
{
    public static ConfigError? Check(IDataListener current, ListenerConfig next, string at)
    {
        if ((current.Tls is null) != (next.Tls is null))
        {
            return new ConfigError(at + ".tls", $"listener '{next.Name}' is serving on {next.Address} with TLS {(current.Tls is null ? "off" : "on")}; turning it {(current.Tls is null ? "on" : "off")} needs a new address or listener name");
        }

        if (current.Protocols != next.Protocols)
        {
            return new ConfigError(at + ".protocols", $"listener '{next.Name}' is serving {current.Protocols} on {next.Address}; changing its protocols needs a new address or listener name");
        }

        return null;
    }
}
