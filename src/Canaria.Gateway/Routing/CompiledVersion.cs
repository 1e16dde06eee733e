using Canaria.Gateway.Config;
using Canaria.Gateway.Health;
using Canaria.Gateway.Metrics;

namespace Canaria.Gateway.Routing;

/// <summary>A version in a compiled snapshot: weight, endpoints (shared health state) and its signal recorder.</summary>
internal sealed class CompiledVersion(string name, int weight, EndpointState[] endpoints, BalancingPolicy balancing, VersionRecorder recorder)
{
    private int _next;

    public string Name { get; } = name;

    public int Weight { get; } = weight;

    public EndpointState[] Endpoints { get; } = endpoints;

    public VersionRecorder Recorder { get; } = recorder;

    /// <summary>The HTTP version spoken to this version's endpoints (1.1, or 2.0 as h2c with prior knowledge).</summary>
    public Version UpstreamVersion { get; init; } = System.Net.HttpVersion.Version11;

    public bool HasAvailableEndpoint(long now)
    {
        foreach (var endpoint in Endpoints)
        {
            if (endpoint.IsAvailable(now))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Picks an available endpoint (round-robin or least in-flight requests), skipping <paramref name="exclude"/>; null if none.</summary>
    public EndpointState? PickEndpoint(long now, EndpointState? exclude = null)
    {
        var endpoints = Endpoints;
        var n = endpoints.Length;
        if (n == 0)
        {
            return null;
        }

        var start = (uint)Interlocked.Increment(ref _next);
        EndpointState? best = null;
        for (var i = 0; i < n; i++)
        {
            var candidate = endpoints[(start + (uint)i) % (uint)n];
            if (ReferenceEquals(candidate, exclude) || !candidate.IsAvailable(now))
            {
                continue;
            }

            if (balancing == BalancingPolicy.RoundRobin)
            {
                return candidate;
            }

            if (best is null || candidate.InFlight < best.InFlight)
            {
                best = candidate;
            }
        }

        return best;
    }
}
