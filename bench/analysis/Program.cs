using System.Diagnostics;
using System.Globalization;
using Canaria.AnalysisBench;

// Canary analysis benchmark: Canaria's built-in comparison vs a threshold-only policy with Flagger's defaults,
// on the same simulated traffic (fixed seeds). 500 requests/s in total, 10% to the canary, stable at 1% errors.
CultureInfo.DefaultThreadCurrentCulture = CultureInfo.InvariantCulture;
const double TotalRps = 500;
const double Weight = 0.10;
var runs = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 200;
var only = args.Length > 1 ? args[1] : ""; // e.g. "good" to run one scenario with many runs
var horizon = TimeSpan.FromMinutes(10);
var stable = new Behaviour(0.01);
Scenario[] scenarios =
[
    new("good (1% errors, same latency)", stable, stable, Bad: false),
    new("+2% errors (3%)", stable, stable with { ErrorRate = 0.03 }, Bad: true),
    new("+5% errors (6%)", stable, stable with { ErrorRate = 0.06 }, Bad: true),
    new("+20% errors (21%)", stable, stable with { ErrorRate = 0.21 }, Bad: true),
    new("100% errors", stable, stable with { ErrorRate = 1.0 }, Bad: true),
    new("+50 ms latency", stable, stable with { ExtraMs = 50 }, Bad: true),
];

Console.WriteLine($"runs per scenario: {runs}; {TotalRps} req/s total, canary weight {Weight:P0}; horizon {horizon.TotalMinutes} min; seeds 1..{runs}");
Console.WriteLine("stable: 1% errors, latency lognormal(median 50 ms, sigma 0.5) binned in the gateway's buckets");
Console.WriteLine();
Console.WriteLine("| scenario | policy | rolled back | median time to rollback | p95 time to rollback | median blast radius (canary failures) | p95 blast radius | median canary requests served |");
Console.WriteLine("|---|---|---|---|---|---|---|---|");
var clock = Stopwatch.StartNew();
var falseAborts = new List<(string Scenario, string Policy, string? Reason)>();
foreach (var scenario in scenarios.Where(s => s.Name.StartsWith(only, StringComparison.Ordinal)))
{
    var results = Enumerable.Range(1, runs).AsParallel().AsOrdered().Select(seed => Simulation.Run(scenario, seed, TotalRps, Weight, horizon)).ToList();
    string[] policies = ["Canaria (gateway)", $"Canaria (Prometheus, scrape {Simulation.Scrape.TotalSeconds:0} s)", "Flagger defaults"];
    for (var p = 0; p < policies.Length; p++)
    {
        Print(scenario, policies[p], results.Select(r => r[p]).ToList());
        if (!scenario.Bad && p < 2) falseAborts.AddRange(results.Where(r => r[p].RolledBack).Select(r => (scenario.Name, policies[p], r[p].Reason)));
    }
}
Console.WriteLine();
foreach (var (scenario, policy, reason) in falseAborts.Take(10))
    Console.WriteLine($"false abort ({scenario}, {policy}): {reason}");
Console.WriteLine($"simulated in {clock.Elapsed.TotalSeconds:0.0} s");

static void Print(Scenario scenario, string policy, List<RunOutcome> outcomes)
{
    var rolledBack = outcomes.Count(o => o.RolledBack);
    var rate = rolledBack / (double)outcomes.Count;
    var label = scenario.Bad ? $"detected {rate:P1}" : $"false aborts {rate:P1}";
    var times = outcomes.Where(o => o.RolledBack).Select(o => o.TimeToRollback!.Value.TotalSeconds).Order().ToList();
    var blast = outcomes.Select(o => (double)o.CanaryFailures).Order().ToList();
    var served = outcomes.Select(o => (double)o.CanaryRequests).Order().ToList();
    Console.WriteLine($"| {scenario.Name} | {policy} | {label} ({rolledBack}/{outcomes.Count}) | {Seconds(times, 0.5)} | {Seconds(times, 0.95)} | {Pct(blast, 0.5):0} | {Pct(blast, 0.95):0} | {Pct(served, 0.5):0} |");
}

static string Seconds(List<double> sorted, double q) => sorted.Count == 0 ? "-" : $"{Pct(sorted, q):0.0} s";

static double Pct(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];
