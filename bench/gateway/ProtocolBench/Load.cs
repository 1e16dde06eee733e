using System.Diagnostics;
using System.Globalization;

namespace ProtocolBench;

/// <summary>Runs every worker of a caller back to back for a fixed time; latencies are kept whole and sorted for p50/p99.</summary>
internal static class Load
{
    public static async Task<string> RunAsync(ICaller caller, TimeSpan duration)
    {
        await caller.OpenAsync(CancellationToken.None);
        var latencies = new List<long>[caller.Workers];
        var errors = 0;
        var v2 = 0;
        var clock = Stopwatch.StartNew();
        var end = (long)(duration.TotalSeconds * Stopwatch.Frequency);
        using var stop = new CancellationTokenSource(duration + TimeSpan.FromSeconds(5));
        await Task.WhenAll(Enumerable.Range(0, caller.Workers).Select(async worker =>
        {
            var mine = latencies[worker] = new List<long>(1 << 16);
            while (clock.ElapsedTicks < end)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    if (await caller.CallAsync(worker, stop.Token)) Interlocked.Increment(ref v2);
                    mine.Add(Stopwatch.GetTimestamp() - start);
                }
                catch (Exception e) when (e is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref errors);
                    if (stop.IsCancellationRequested) return;
                }
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double Percentile(double p) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(p * all.Length))] * 1000.0 / Stopwatch.Frequency;
        return string.Create(CultureInfo.InvariantCulture,
            $"requests={all.Length} errors={errors} rps={all.Length / seconds:F0} p50_ms={Percentile(0.50):F3} p99_ms={Percentile(0.99):F3} v2={v2}");
    }
}
