using System.Collections.Concurrent;

namespace Canaria.Gateway.Health;

/// <summary>
/// Endpoint states by (service, address), kept across config changes so a re-applied config keeps
/// ejections and in-flight counts. Entries no longer referenced are dropped on apply.
/// </summary>
internal sealed class EndpointRegistry
{
    private readonly ConcurrentDictionary<string, EndpointState> _states = new(StringComparer.OrdinalIgnoreCase);

    public EndpointState Get(string service, string address) =>
        _states.GetOrAdd(Key(service, address), static (_, a) => new EndpointState(a), address);

    public void Retain(IEnumerable<(string Service, string Address)> live)
    {
        var keep = new HashSet<string>(live.Select(x => Key(x.Service, x.Address)), StringComparer.OrdinalIgnoreCase);
        foreach (var key in _states.Keys)
        {
            if (!keep.Contains(key))
            {
                _states.TryRemove(key, out _);
            }
        }
    }

    private static string Key(string service, string address) => service + "\n" + address;
}
