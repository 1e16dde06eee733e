using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Core.Tests.Engine;

public class MirrorTests
{
    private static RolloutSpec Shadow() => new()
    {
        Replicas = 4,
        Strategy = new StrategySpec
        {
            Steps =
            [
                new StepSpec { Traffic = 0, Mirror = 50, Pause = new PauseSpec { Duration = TimeSpan.FromSeconds(5) } },
                new StepSpec { Traffic = 25, Pause = new PauseSpec { Duration = TimeSpan.FromSeconds(5) } },
                new StepSpec { Traffic = 50, Mirror = 0 },
            ],
        },
    };

    [Fact]
    public void At_MirrorOnlyStep_RunsOneCanaryPodAndCarriesTheMirrorToLaterSteps()
    {
        var spec = Shadow();

        Assert.Equal((0, 50, 1), (StepPlan.At(spec, 0).Traffic, StepPlan.At(spec, 0).Mirror, StepPlan.At(spec, 0).CanaryReplicas));
        Assert.Equal(50, StepPlan.At(spec, 1).Mirror); // null keeps the previous step's share, like traffic
        Assert.Equal(0, StepPlan.At(spec, 2).Mirror);
        Assert.Equal(0, StepPlan.At(spec, 3).Mirror); // full promotion mirrors nothing
    }

    [Fact]
    public void Reconcile_ShadowStep_DecidesTheMirrorAndRoutesTheCanaryForScaleDown()
    {
        var sim = PlatformSim.Deployed(Shadow());
        sim.SpecRevision = 2;

        sim.RunUntil(s => s.StepState == StepState.Completed && s.StableRevision == 2, 200, "completed");

        var shadow = sim.History.Select(h => h.Decision.Traffic).First(t => t.CanaryRevision == 2 && t.MirrorPercent > 0);
        Assert.Equal((0, 50), (shadow.CanaryWeight, shadow.MirrorPercent));
        Assert.False(shadow.CanaryExposed); // no client is served by the canary
        Assert.True(shadow.Routes(2)); // but it receives copies, so it must not be scaled down under them
        Assert.DoesNotContain(sim.History, h => h.Decision.Traffic.CanaryWeight == 50 && h.Decision.Traffic.MirrorPercent > 0);
    }
}
