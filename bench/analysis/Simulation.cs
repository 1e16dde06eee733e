namespace Canaria.AnalysisBench;

/// <summary>One scenario: stable and canary behaviour at a total rate and canary weight.</summary>
internal sealed record Scenario(string Name, Behaviour Stable, Behaviour Canary, bool Bad);

/// <summary>What one policy did in one run: rolled back or not, when, and what the canary served until its traffic reached 0.</summary>
internal sealed record RunOutcome(bool RolledBack, TimeSpan? TimeToRollback, long CanaryFailures, long CanaryRequests, string? Reason = null);

/// <summary>
/// Runs both policies on the very same simulated traffic (same seed): 100 ms ticks like the controller loop, the
/// canary's traffic drops to 0 in the tick a policy decides (the reaction test measures a few ms for that in the
/// real controller), for at most the horizon.
/// </summary>
internal static class Simulation
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(100);

    public static (RunOutcome Canaria, RunOutcome Flagger) Run(Scenario scenario, int seed, double totalRps, double canaryWeight, TimeSpan horizon)
    {
        var random = new Random(seed);
        var canary = new Traffic(random, totalRps * canaryWeight, scenario.Canary);
        var stable = new Traffic(random, totalRps * (1 - canaryWeight), scenario.Stable);
        IPolicy[] policies = [new CanariaPolicy(), new FlaggerPolicy()];
        var outcomes = new RunOutcome?[2];

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
        return (outcomes[0] ?? new RunOutcome(false, null, canary.Failures, canary.Requests),
                outcomes[1] ?? new RunOutcome(false, null, canary.Failures, canary.Requests));
    }
}
