namespace Canaria.Gateway.Routing;

/// <summary>The services served on one listener, longest path prefix first.</summary>
internal sealed class ListenerRoutes(CompiledService[] services)
{
    public CompiledService[] Services { get; } = services;

    public CompiledService? Match(string? hostHeader, string path)
    {
        var host = HostMatcher.StripPort(hostHeader);
        foreach (var service in Services)
        {
            if (path.StartsWith(service.PathPrefix, StringComparison.Ordinal) && service.Hosts.Matches(host))
            {
                return service;
            }
        }

        return null;
    }
}
