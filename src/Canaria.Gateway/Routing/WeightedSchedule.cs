namespace Canaria.Gateway.Routing;

/// <summary>
/// One cycle of a smooth weighted round-robin over a fixed set of eligible versions: position k of the cycle
/// names the version index to use for the k-th weighted pick. Over any whole cycle each version appears exactly
/// its (reduced) weight times, and the picks are spread evenly (nginx's smooth WRR: 9/1 gives v1×5, v2, v1×4, not
/// v1×9 then v2). Weights are divided by their greatest common divisor; a cycle longer than <see cref="MaxCycle"/>
/// is scaled down proportionally (every positive weight keeps at least one slot), so memory stays bounded.
/// </summary>
internal sealed class WeightedSchedule
{
    public const int MaxCycle = 1 << 16;

    private WeightedSchedule(ulong eligible, ushort[] order)
    {
        Eligible = eligible;
        Order = order;
    }

    /// <summary>Bit i set: version i had a positive weight and an available endpoint when this cycle was built.</summary>
    public ulong Eligible { get; }

    /// <summary>The cycle: version indexes; empty when no version is eligible.</summary>
    public ushort[] Order { get; }

    public static WeightedSchedule Build(IReadOnlyList<int> weights, ulong eligible)
    {
        var reduced = Reduce(weights, eligible);
        long total = 0;
        foreach (var w in reduced)
        {
            total += w;
        }

        var order = new ushort[total];
        var current = new long[reduced.Length];
        for (var k = 0; k < order.Length; k++)
        {
            var best = -1;
            for (var i = 0; i < reduced.Length; i++)
            {
                if (reduced[i] == 0)
                {
                    continue;
                }

                current[i] += reduced[i];
                if (best < 0 || current[i] > current[best])
                {
                    best = i;
                }
            }

            current[best] -= total;
            order[k] = (ushort)best;
        }

        return new WeightedSchedule(eligible, order);
    }

    /// <summary>The weights of eligible versions (0 for the others), divided by their gcd and scaled to fit <see cref="MaxCycle"/>.</summary>
    internal static long[] Reduce(IReadOnlyList<int> weights, ulong eligible)
    {
        var reduced = new long[Math.Min(weights.Count, 64)];
        long gcd = 0, total = 0;
        for (var i = 0; i < reduced.Length; i++)
        {
            if ((eligible & (1UL << i)) != 0 && weights[i] > 0)
            {
                reduced[i] = weights[i];
                gcd = Gcd(gcd, weights[i]);
                total += weights[i];
            }
        }

        if (total == 0)
        {
            return reduced;
        }

        total /= gcd;
        for (var i = 0; i < reduced.Length; i++)
        {
            reduced[i] /= gcd;
            if (total > MaxCycle && reduced[i] > 0)
            {
                reduced[i] = Math.Max(1, reduced[i] * (MaxCycle - reduced.Length) / total);
            }
        }

        return reduced;
    }

    private static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
