namespace Canaria.AnalysisBench;

/// <summary>One scenario: stable and canary behaviour at a total rate and canary weight.</summary>
internal sealed record Scenario(string Name, Behaviour Stable, Behaviour Canary, bool Bad);

/// <summary>What one policy did in one run: rolled back or not, when, and what the canary served until its traffic reached 0.</summary>
internal sealed record RunOutcome(bool RolledBack, TimeSpan? TimeToRollback, long CanaryFailures, long CanaryRequests, string? Reason = null);

/// <summary>
/// Runs every policy on the very same simulated traffic (same seed): 100 ms ticks like the controller loop, the
/// canary's traffic drops to 0 in the tick a policy decides (the reaction test measures a few ms for that in the
/// real controller), for at most the horizon.
/// </summary>
internal static class Simulation
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    /// <summary>Prometheus' scrape interval in the Prometheus-fed policy (the common default).</summary>
    public static readonly TimeSpan Scrape = TimeSpan.FromSeconds(15);

    /// <summary>One outcome per policy: Canaria on the gateway's counts, Canaria on Prometheus' scrapes, Flagger's defaults.</summary>
    public static RunOutcome[] Run(Scenario scenario, int seed, double totalRps, double canaryWeight, TimeSpan horizon)
    {
        var random = new Random(seed);
        var canary = new Traffic(random, totalRps * canaryWeight, scenario.Canary);
        var stable = new Traffic(random, totalRps * (1 - canaryWeight), scenario.Stable);
        // Its own random source, so the traffic (and the other policies' results) stay those of the same seed.
        var phase = TimeSpan.FromSeconds(new Random(~seed).NextDouble() * Scrape.TotalSeconds);
        IPolicy[] policies = [new CanariaPolicy(), new PrometheusPolicy(Scrape, phase), new FlaggerPolicy()];
        var outcomes = new RunOutcome?[policies.Length];

        for (var t = Tick; t <= horizon && outcomes.Any(o => o is null); t += Tick)
        {
            canary.Tick(Tick);
            stable.Tick(Tick);
            for (var i = 0; i < policies.Length; i++)
            {
                if (outcomes[i] is not null) continue;
                if (policies[i].Observe(t, canary, stable) is { } reason)
                    outcomes[i] = new RunOutcome(true, t, canary.Failures, canary.Requests, reason);
            }
        }

        // A policy that never rolled back let the canary serve until the horizon.
        return outcomes.Select(o => o ?? new RunOutcome(false, null, canary.Failures, canary.Requests)).ToArray();
    }
}
