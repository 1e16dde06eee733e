using Canaria.Gateway.Config;

namespace Canaria.Local.Controller;

/// <summary>
/// Listeners and services a gateway served, when this controller started, for rollouts it does not know. They are kept
/// in every config it pushes, so a controller with an empty or other database never closes a port that serves.
/// </summary>
internal sealed class ForeignGatewayConfig
{
    private readonly Dictionary<string, (ListenerConfig Listener, List<ServiceConfig> Services)> _byListener;

    private ForeignGatewayConfig(Dictionary<string, (ListenerConfig, List<ServiceConfig>)> byListener) => _byListener = byListener;

    public IReadOnlyCollection<string> Names => _byListener.Keys;

    public static ForeignGatewayConfig Of(GatewayConfig live, IEnumerable<string> known)
    {
        var knownNames = known.ToHashSet(StringComparer.Ordinal);
        var foreign = new Dictionary<string, (ListenerConfig, List<ServiceConfig>)>(StringComparer.Ordinal);
        foreach (var listener in live.Listeners.Where(l => !knownNames.Contains(l.Name)))
            foreign[listener.Name] = (listener, live.Services.Where(s => s.Listener == listener.Name).ToList());
        return new ForeignGatewayConfig(foreign);
    }

    public bool Remove(string name) => _byListener.Remove(name);

    /// <summary>The config plus the foreign listeners and services whose name no known rollout uses (a re-applied rollout takes its own back).</summary>
    public GatewayConfig AddTo(GatewayConfig config, IEnumerable<string> known)
    {
        var knownNames = known.ToHashSet(StringComparer.Ordinal);
        var kept = _byListener.Where(kv => !knownNames.Contains(kv.Key)).Select(kv => kv.Value).ToList();
        if (kept.Count == 0) return config;
        return config with
        {
            Listeners = [.. config.Listeners, .. kept.Select(k => k.Listener)],
            Services = [.. config.Services, .. kept.SelectMany(k => k.Services)],
        };
    }
}
