using System.Text.Json;
using System.Text.Json.Serialization;
using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using static Canaria.Core.Tests.Engine.Specs;

namespace Canaria.Core.Tests.Engine;

/// <summary>A restarted controller reads the stored status back and must decide exactly what it would have decided.</summary>
public class StatusJsonTests
{
    private static readonly JsonSerializerOptions Plain = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static TheoryData<string> Moments() => new()
    {
        "upgrading", "routing", "analyzing", "paused", "humanPaused", "aborting", "aborted", "completedWithScaleDown", "inconclusivePaused",
    };

    /// <summary>Drives a release with cookie matches and analysis to a named moment.</summary>
    private static PlatformSim At(string moment)
    {
        var cookie = new MatchSpec { Kind = MatchKind.Cookie, Name = "user", Operator = MatchOperator.Regex, Value = "^(.*?;)?(user=test-user)(;.*)?$" };
        var spec = Canary(new StepSpec { Matches = [cookie], Traffic = 10, Pause = Manual }, Traffic(30, For(60)), Traffic(60))
            with { Analysis = SuccessAnalysis(stepPasses: 2) };
        var sim = PlatformSim.Deployed(spec);
        sim.SpecRevision = 2;
        switch (moment)
        {
            case "upgrading":
                sim.ReadyCap[2] = 0;
                sim.Run(3);
                break;
            case "routing":
                sim.RouterApplies = () => false;
                sim.Run(4);
                break;
            case "analyzing":
                sim.RunUntilState(StepState.Analyzing, 0);
                sim.Tick();
                break;
            case "paused":
                sim.RunUntilState(StepState.Paused, 0);
                sim.MustCommand(CommandKind.Promote);
                sim.RunUntilState(StepState.Paused, 1);
                sim.Run(5);
                break;
            case "humanPaused":
                sim.RunUntilState(StepState.Paused, 0);
                sim.MustCommand(CommandKind.Promote);
                sim.RunUntilState(StepState.Paused, 1);
                sim.MustCommand(CommandKind.Pause);
                sim.Run(2);
                break;
            case "aborting":
                sim.RunUntilState(StepState.Paused, 0);
                sim.RouterApplies = () => false;
                sim.MustCommand(CommandKind.Abort);
                sim.Run(2);
                break;
            case "aborted":
                sim.RunUntilState(StepState.Paused, 0);
                sim.MustCommand(CommandKind.Abort);
                sim.RunUntilState(StepState.Aborted, maxTicks: 5);
                break;
            case "completedWithScaleDown":
                sim.RunUntilState(StepState.Paused, 0);
                sim.MustCommand(CommandKind.PromoteFull);
                sim.RunUntilState(StepState.Completed, maxTicks: 10);
                break;
            case "inconclusivePaused":
                sim.Verdicts = _ => Verdict.Inconclusive;
                sim.RunUntil(s => s.Paused, 20);
                break;
        }
        return sim;
    }

    [Theory]
    [MemberData(nameof(Moments))]
    public void Reconcile_StatusAfterJsonRoundTrip_DecidesTheSame(string moment)
    {
        var sim = At(moment);
        var observation = sim.Observe();

        var json = JsonSerializer.Serialize(sim.Status, Plain);
        var restored = JsonSerializer.Deserialize<RolloutStatus>(json, Plain)!;

        Assert.Equal(json, JsonSerializer.Serialize(restored, Plain));
        var original = RolloutEngine.Reconcile(sim.Spec, sim.Status, observation, sim.Now);
        var resumed = RolloutEngine.Reconcile(sim.Spec, restored, observation, sim.Now);
        Assert.Equal(JsonSerializer.Serialize(original, Plain), JsonSerializer.Serialize(resumed, Plain));
    }

    [Theory]
    [MemberData(nameof(Moments))]
    public void Reconcile_StatusThroughCoreJson_DecidesTheSame(string moment)
    {
        var sim = At(moment);
        var observation = sim.Observe();

        var restored = JsonSerializer.Deserialize<RolloutStatus>(JsonSerializer.Serialize(sim.Status, CoreJson.Options), CoreJson.Options)!;

        var original = RolloutEngine.Reconcile(sim.Spec, sim.Status, observation, sim.Now);
        var resumed = RolloutEngine.Reconcile(sim.Spec, restored, observation, sim.Now);
        Assert.Equal(JsonSerializer.Serialize(original, Plain), JsonSerializer.Serialize(resumed, Plain));
    }

    [Fact]
    public void Serialize_Status_UsesCamelCaseAndEnumNames()
    {
        var sim = At("paused");

        var json = JsonSerializer.Serialize(sim.Status, Plain);

        Assert.Contains("\"stepState\":\"paused\"", json);
        Assert.Contains("\"phase\":\"progressing\"", json);
        Assert.Contains("\"canaryRevision\":2", json);
        Assert.Contains("\"lastVerdict\":\"pass\"", json);
        Assert.DoesNotContain("\"StepState\"", json);
    }

    [Fact]
    public void Reconcile_RestartedMidRolloutFromJson_ContinuesToCompletionWithoutTouchingTraffic()
    {
        var sim = At("paused");
        var before = sim.Status!.Traffic!;

        sim.Status = JsonSerializer.Deserialize<RolloutStatus>(JsonSerializer.Serialize(sim.Status, Plain), Plain);
        var first = sim.Tick();

        Assert.True(first.Traffic.SameAs(before));
        Assert.Empty(first.Events);
        var done = sim.RunUntilState(StepState.Completed, maxTicks: 120);
        Assert.Equal(2, done.Status.StableRevision);
    }
}
