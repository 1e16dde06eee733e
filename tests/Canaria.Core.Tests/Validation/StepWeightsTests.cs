using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

/// <summary>Step weights of any total (seed 003: 500/500 → 250/750 → 0/1) and spec.rollbackWindow, as written in YAML.</summary>
public class StepWeightsTests
{
    private static string Doc(string steps, string extra = "") => $"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata: {"{"} name: web {"}"}
        spec:
          replicas: 4
          workloadRef: {"{"} name: web {"}"}
        {extra}
          strategy:
            canary:
              steps:
        {string.Join("\n", steps.Split('\n').Select(l => "    " + l))}
        """;

    private static IReadOnlyList<FieldError> Errors(string yaml)
    {
        var parsed = RolloutYaml.Parse(yaml);
        return parsed.Ok ? RolloutValidator.Validate(parsed.Document!, Platform.Kubernetes) : parsed.Errors;
    }

    [Fact]
    public void Parse_SeedThreeWeights_ReadsThemAsWrittenWithTheirShare()
    {
        var parsed = RolloutYaml.Parse(Doc("""
                    - weights: {stable: 500, canary: 500}
                    - pause: {}
                    - weights: {stable: 250, canary: 750}
                    - pause: {}
                    - weights: {stable: 0, canary: 1}
            """));

        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        Assert.Empty(RolloutValidator.Validate(parsed.Document!, Platform.Kubernetes));
        var spec = parsed.Document!.Spec;
        Assert.Equal(new SplitWeights(250, 750), spec.Strategy.Steps[2].Weights);
        var second = StepPlan.At(spec, 3); // the pause after 250/750 keeps it
        Assert.Equal(75, second.Traffic);
        Assert.Equal(new SplitWeights(250, 750), second.Weights);
        Assert.Equal("250/750 (75%)", second.TrafficText);
        Assert.Equal(3, second.CanaryReplicas);
        Assert.Equal(100, StepPlan.At(spec, 4).Traffic);
    }

    [Theory]
    [InlineData("    - weights: {stable: -1, canary: 750}", "spec.strategy.canary.steps[0].weights.stable", "-1 is negative")]
    [InlineData("    - weights: {stable: 250, canary: -750}", "spec.strategy.canary.steps[0].weights.canary", "-750 is negative")]
    [InlineData("    - weights: {stable: 0, canary: 0}", "spec.strategy.canary.steps[0].weights", "both 0")]
    [InlineData("    - weights: {stable: 250}", "spec.strategy.canary.steps[0].weights.canary", "is required")]
    [InlineData("    - weights: {canary: 750}", "spec.strategy.canary.steps[0].weights.stable", "is required")]
    [InlineData("    - weights: {stable: 250, canary: 750, mirror: 5}", "spec.strategy.canary.steps[0].weights.mirror", "is not a known field")]
    [InlineData("    - weights: {stable: 250, canary: lots}", "spec.strategy.canary.steps[0].weights.canary", "'lots' is not a whole number")]
    [InlineData("    - weights: {stable: 250, canary: 750}\n      traffic: 75", "spec.strategy.canary.steps[0].weights", "cannot be set together with traffic")]
    [InlineData("    - weights: 75", "spec.strategy.canary.steps[0].weights", "must be a mapping")]
    [InlineData("    - weights: {stable: 1, canary: 1}\n      replicas: 0", "spec.strategy.canary.steps[0].replicas", "is 0 but the step sends traffic")]
    public void Validate_BadWeights_NamesTheField(string step, string field, string message)
    {
        var error = Assert.Single(Errors(Doc(step)));

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("  rollbackWindow: {revisions: 0}", "spec.rollbackWindow.revisions", "must be between 1 and 10")]
    [InlineData("  rollbackWindow: {revisions: 11}", "spec.rollbackWindow.revisions", "must be between 1 and 10")]
    [InlineData("  rollbackWindow: {}", "spec.rollbackWindow.revisions", "is required")]
    [InlineData("  rollbackWindow: {revision: 2}", "spec.rollbackWindow.revision", "is not a known field")]
    public void Validate_BadRollbackWindow_NamesTheField(string line, string field, string message)
    {
        var errors = Errors(Doc("    - traffic: 10", line));

        Assert.Contains(errors, e => e.Field == field && e.Message.Contains(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Parse_RollbackWindow_ReadsRevisions()
    {
        var parsed = RolloutYaml.Parse(Doc("    - traffic: 10", "  rollbackWindow: {revisions: 3}"));

        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        Assert.Empty(RolloutValidator.Validate(parsed.Document!, Platform.Kubernetes));
        Assert.Equal(3, parsed.Document!.Spec.RollbackWindow!.Revisions);
    }

    [Theory]
    [InlineData(250, 750, "250/750 (75%)", 75)]
    [InlineData(2, 1, "2/1 (33.3%)", 33)]
    [InlineData(999, 1, "999/1 (0.1%)", 1)]
    [InlineData(0, 1, "0/1 (100%)", 100)]
    public void ToString_AnyTotal_WeightsAsWrittenWithExactShareAndRoundedPercentNeverHidesTraffic(int stable, int canary, string text, int percent)
    {
        var weights = new SplitWeights(stable, canary); // the rounding rule itself: SmiRouterTests.CanaryPercent_RelativeWeights_*

        Assert.Equal((text, percent), (weights.ToString(), weights.CanaryPercent));
    }
}
