namespace Canaria.Gateway.Routing;

/// <summary>
/// The weighted pick of one compiled service: a deterministic smooth weighted round-robin, so 200 weighted requests
/// at 90/10 send exactly 20 to the canary (a random draw sends anywhere from about 12 to 28). Lock-free: one
/// Interlocked increment per pick. The cycle is rebuilt (and swapped atomically) only when the set of eligible
/// versions changes, e.g. a version's last endpoint is ejected or comes back; the position keeps counting, so the
/// split stays exact within each stretch of unchanged eligibility. A new snapshot (new weights) starts a new cycle.
/// </summary>
internal sealed class WeightedPicker(CompiledVersion[] versions)
{
    private readonly int[] _weights = [.. versions.Select(v => v.Weight)];
    private WeightedSchedule? _schedule;
    private long _position = -1;

    /// <summary>The next version by weight among those with weight &gt; 0 and an available endpoint; null when there is none.</summary>
    public CompiledVersion? Pick(long now)
    {
        var eligible = 0UL;
        for (var i = 0; i < versions.Length && i < 64; i++)
        {
            var v = versions[i];
            if (v.Weight > 0 && v.HasAvailableEndpoint(now))
            {
                eligible |= 1UL << i;
            }
        }

        if (eligible == 0)
        {
            return null;
        }

        var schedule = Volatile.Read(ref _schedule);
        if (schedule is null || schedule.Eligible != eligible)
        {
            schedule = WeightedSchedule.Build(_weights, eligible);
            Volatile.Write(ref _schedule, schedule);
        }

        var order = schedule.Order;
        var position = (ulong)Interlocked.Increment(ref _position);
        return versions[order[(int)(position % (ulong)order.Length)]];
    }
}
