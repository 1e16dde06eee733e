using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Kubernetes.Controller.Conditions;

namespace Canaria.Kubernetes.Tests.Controller;

public sealed class ConditionJsonTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 7, 3, 0, 0, TimeSpan.Zero);

    private static JsonArray Conditions(string reason, string message) =>
        ConditionJson.Of(null, [new RolloutCondition(RolloutCondition.Progressing, false, reason, message)], Now);

    [Fact]
    public void Changes_WaitingForPodsCountMoves_NoSecondWarning()
    {
        var before = Conditions("WaitingForPods", "step 1/3: waiting for canary replicas (1/10 ready) for more than 2m");
        var after = Conditions("WaitingForPods", "step 1/3: waiting for canary replicas (3/10 ready) for more than 2m");

        Assert.Single(ConditionJson.Changes(null, before, Now), e => e.Type == EventType.Warning && e.Reason == "WaitingForPods");
        Assert.Empty(ConditionJson.Changes(before, after, Now));
    }

    [Fact]
    public void Changes_InvalidSpecMessageChanges_AnotherWarningNamingTheNewField()
    {
        var before = Conditions("InvalidSpec", "steps[1].traffic: must be 0-100");
        var after = Conditions("InvalidSpec", "steps[2].pause.duration: not a duration");

        var warning = Assert.Single(ConditionJson.Changes(before, after, Now));
        Assert.Equal(EventType.Warning, warning.Type);
        Assert.Contains("steps[2].pause.duration", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Changes_WaitingReasonTurnsIntoAnother_AnotherWarning()
    {
        var before = Conditions("WaitingForPods", "waiting for ready pods (0/2 ready)");
        var after = Conditions("WaitingForEndpoints", "waiting for endpoints of Service app-canary");

        Assert.Single(ConditionJson.Changes(before, after, Now), e => e.Reason == "WaitingForEndpoints");
    }
}
