using System.Collections.Frozen;
using Canaria.Gateway.Config;
using Canaria.Gateway.Health;
using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.Routing;

/// <summary>Turns a validated config into an immutable <see cref="RouteSnapshot"/>, reusing long-lived endpoint and signal state.</summary>
internal static class SnapshotCompiler
{
    public static RouteSnapshot Compile(GatewayConfig config, string canonicalJson, EndpointRegistry endpoints, GoldenSignals signals)
    {
        var services = config.Services.Select(s => CompileService(s, endpoints, signals)).ToArray();
        var listeners = new Dictionary<string, ListenerRoutes>(StringComparer.Ordinal);
        foreach (var listener in config.Listeners)
        {
            var served = services
                .Where((_, i) => config.Services[i].Listener is null || config.Services[i].Listener == listener.Name)
                .OrderByDescending(s => s.PathPrefix.Length)
                .ToArray();
            listeners[listener.Name] = new ListenerRoutes(served);
        }

        return new RouteSnapshot(config, canonicalJson, listeners.ToFrozenDictionary(StringComparer.Ordinal), services);
    }

    private static CompiledService CompileService(ServiceConfig s, EndpointRegistry endpoints, GoldenSignals signals)
    {
        var versions = s.Versions
            .Select(v => new CompiledVersion(
                v.Name,
                v.Weight,
                v.Endpoints.Select(e => endpoints.Get(s.Name, e)).ToArray(),
                v.Balancing,
                signals.GetRecorder(s.Name, v.Name))
            {
                UpstreamVersion = (v.Protocol ?? (s.Grpc is null ? UpstreamProtocol.Http1 : UpstreamProtocol.Http2)) == UpstreamProtocol.Http2
                    ? System.Net.HttpVersion.Version20
                    : System.Net.HttpVersion.Version11,
            })
            .ToArray();
        CompiledVersion Find(string name) => versions.First(v => v.Name == name);

        var rules = s.Rules
            .Select(r => new CompiledRule(
                r.Name,
                Find(r.Version),
                r.Headers.Select(StringMatcher.Compile).ToArray(),
                r.Cookies.Select(StringMatcher.Compile).ToArray(),
                r.Query.Select(StringMatcher.Compile).ToArray()))
            .ToArray();

        var mirror = s.Mirror is { Percent: > 0 } m ? Find(m.Version) : null;
        return new CompiledService
        {
            Name = s.Name,
            Hosts = new HostMatcher(s.Hosts),
            PathPrefix = s.PathPrefix,
            Versions = versions,
            Rules = rules,
            StickyCookie = s.Sticky is { Enabled: true } sticky ? sticky.CookieName : null,
            MirrorVersion = mirror,
            SpeaksHttp2Upstream = versions.Any(v => v.UpstreamVersion == System.Net.HttpVersion.Version20),
            MirrorPercent = mirror is null ? 0 : s.Mirror!.Percent,
            Picker = new WeightedPicker(versions),
            MirrorSampler = mirror is null ? null : new MirrorSampler(s.Mirror!.Percent),
            ConnectTimeout = s.Timeouts.Connect,
            RequestTimeout = s.Timeouts.Request,
            EjectAfterFailures = s.Health.ConsecutiveFailures,
            EjectFor = s.Health.EjectFor,
            ActiveProbe = s.Health.ActiveProbe,
            GrpcFailureMask = s.Grpc?.FailureCodes is { } codes ? GrpcStatus.MaskOf(codes) : GrpcStatus.DefaultFailureMask,
            Unrouted = signals.GetRecorder(s.Name, GoldenSignals.UnroutedVersion),
        };
    }
}
