using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Core.Validation;

namespace Canaria.Core.Tests.Validation;

/// <summary>Replica-ratio steps as written in YAML: which mixed specs are refused with the field, which are valid.</summary>
public class ReplicaRatioSpecTests
{
    private static string Doc(string steps) => $"""
        apiVersion: canaria.dev/v1alpha1
        kind: Rollout
        metadata: {"{"} name: web {"}"}
        spec:
          replicas: 4
          service: {"{"} name: web, listen: "127.0.0.1:0" {"}"}
          template: {"{"} version: v1, command: "./web {"{"}port{"}"}" {"}"}
          strategy:
            canary:
              steps:
        {string.Join("\n", steps.Split('\n').Select(l => "    " + l))}
        """;

    private static (RolloutSpec Spec, IReadOnlyList<FieldError> Errors) Check(string steps)
    {
        var parsed = RolloutYaml.Parse(Doc(steps));
        Assert.True(parsed.Ok, string.Join("\n", parsed.Errors));
        return (parsed.Document!.Spec, RolloutValidator.Validate(parsed.Document!, Platform.Local));
    }

    [Theory]
    [InlineData("    - traffic: 10\n    - replicas: 0", "spec.strategy.canary.steps[1].replicas", "keeps the canary's traffic written in spec.strategy.canary.steps[0]")]
    [InlineData("    - weights: {stable: 3, canary: 1}\n    - pause: {}\n    - replicas: 0%", "spec.strategy.canary.steps[2].replicas", "written in spec.strategy.canary.steps[0]")]
    public void Validate_ZeroReplicasUnderCarriedTraffic_NamesTheField(string steps, string field, string message)
    {
        var error = Assert.Single(Check(steps).Errors);

        Assert.Equal(field, error.Field);
        Assert.Contains(message, error.Message);
    }

    [Theory]
    [InlineData("    - traffic: 10\n    - traffic: 0\n    - replicas: 0")] // traffic: 0 ends the carried share
    [InlineData("    - replicas: 1\n      pause: {}\n    - replicas: 0\n    - traffic: 50")] // a ratio step at 0 replicas sends nothing
    [InlineData("    - replicas: 1\n      matches: [{header: {name: x-test, exact: 'yes'}}]\n      mirror: 10")]
    public void Validate_ReplicaRatioMixedWithOtherFields_IsValid(string steps) =>
        Assert.Empty(Check(steps).Errors);

    [Fact]
    public void Parse_SeedStyleReplicasStep_IsAReplicaRatioStep()
    {
        var (spec, errors) = Check("    - replicas: 1\n      pause: {}");

        Assert.Empty(errors);
        var step = StepPlan.At(spec, 0);
        Assert.Equal((true, 1, 0), (step.ReplicaRatio, step.CanaryReplicas, step.Traffic));
    }
}
