using Canaria.Gateway.Config;
using Canaria.Gateway.Health;
using Canaria.Gateway.Metrics;
using Canaria.Gateway.Routing;
using CsCheck;

namespace Canaria.Gateway.Tests.Routing;

/// <summary>Properties of the deterministic weighted pick, over generated weights and request counts.</summary>
public sealed class WeightedPickerPropertyTests
{
    private static readonly Gen<int[]> Weights = Gen.Int[0, 1000].Array[1, 8].Where(w => w.Sum() > 0);

    [Fact]
    public void Pick_AnyWeights_EveryWholeCycleGivesEachVersionExactlyItsShare()
    {
        Gen.Select(Weights, Gen.Int[1, 3]).Sample((weights, cycles) =>
        {
            var (picker, versions) = Picker(weights);
            var cycle = CycleLength(weights);
            var counts = Count(picker, versions, cycle * cycles);
            for (var i = 0; i < weights.Length; i++)
            {
                Assert.Equal((long)weights[i] * cycle * cycles / weights.Sum(), counts[i]);
            }
        });
    }

    [Fact]
    public void Pick_TwoVersions_AnyCountIsTheRoundedShare()
    {
        Gen.Select(Gen.Int[0, 1000], Gen.Int[0, 1000], Gen.Int[1, 3000]).Where((a, b, _) => a + b > 0).Sample((stable, canary, n) =>
        {
            var (picker, versions) = Picker([stable, canary]);
            var counts = Count(picker, versions, n);
            var exact = (double)n * canary / (stable + canary);
            Assert.True(Math.Abs(counts[1] - exact) <= 0.5, $"{stable}/{canary} after {n}: canary got {counts[1]}, exact share {exact}");
        });
    }

    [Fact]
    public void Pick_AnyWeightsAnyCount_NoVersionStraysTwoRequestsFromItsShare()
    {
        Gen.Select(Weights, Gen.Int[1, 2000]).Sample((weights, n) =>
        {
            var (picker, versions) = Picker(weights);
            var counts = Count(picker, versions, n);
            for (var i = 0; i < weights.Length; i++)
            {
                var exact = (double)n * weights[i] / weights.Sum();
                Assert.True(Math.Abs(counts[i] - exact) < 2, $"weights {string.Join('/', weights)}, after {n}: version {i} got {counts[i]}, exact share {exact}");
            }
        });
    }

    [Fact]
    public void Pick_VersionWithoutAvailableEndpoint_IsSkippedAndOthersKeepTheirRatio()
    {
        Gen.Select(Weights.Where(w => w.Length >= 2), Gen.Int[1, 3]).Sample((weights, cycles) =>
        {
            var (picker, versions) = Picker(weights);
            var down = Array.FindIndex(weights, w => w > 0);
            versions[down].Endpoints[0].ReportProbe(healthy: false);
            var rest = weights.Select((w, i) => i == down ? 0 : w).ToArray();
            if (rest.Sum() == 0)
            {
                Assert.Null(picker.Pick(0));
                return;
            }

            var counts = Count(picker, versions, CycleLength(rest) * cycles);
            Assert.Equal(0, counts[down]);
            for (var i = 0; i < weights.Length; i++)
            {
                Assert.Equal((long)rest[i] * CycleLength(rest) * cycles / rest.Sum(), counts[i]);
            }
        });
    }

    [Fact]
    public void Pick_HugeWeights_CycleStaysBoundedAndEveryPositiveWeightIsServed()
    {
        var weights = new[] { int.MaxValue, 1, 7, int.MaxValue - 1 };
        var schedule = WeightedSchedule.Build(weights, 0b1111);

        Assert.InRange(schedule.Order.Length, 1, WeightedSchedule.MaxCycle);
        for (var i = 0; i < weights.Length; i++)
        {
            Assert.Contains((ushort)i, schedule.Order);
        }
    }

    [Fact]
    public void MirrorSampler_AnyPercentAnyCount_MirrorsTheFlooredShare()
    {
        Gen.Select(Gen.Double[0, 100], Gen.Int[1, 5000]).Sample((percent, n) =>
        {
            var sampler = new MirrorSampler(percent);
            var mirrored = Enumerable.Range(0, n).Count(_ => sampler.Next());
            var expected = (long)n * (long)Math.Round(percent * 1_000_000) / 100_000_000;
            Assert.Equal(expected, mirrored);
        });
    }

    private static int CycleLength(int[] weights)
    {
        var gcd = weights.Where(w => w > 0).Aggregate(0, (a, b) => (int)System.Numerics.BigInteger.GreatestCommonDivisor(a, b));
        return weights.Sum() / gcd;
    }

    private static (WeightedPicker Picker, CompiledVersion[] Versions) Picker(int[] weights)
    {
        var versions = weights
            .Select((w, i) => new CompiledVersion($"v{i}", w, [new EndpointState($"127.0.0.1:{1000 + i}")], BalancingPolicy.RoundRobin, new VersionRecorder("s", $"v{i}", 0)))
            .ToArray();
        return (new WeightedPicker(versions), versions);
    }

    private static long[] Count(WeightedPicker picker, CompiledVersion[] versions, int n)
    {
        var counts = new long[versions.Length];
        for (var k = 0; k < n; k++)
        {
            var picked = picker.Pick(0) ?? throw new InvalidOperationException("no version picked");
            counts[Array.IndexOf(versions, picked)]++;
        }

        return counts;
    }
}
