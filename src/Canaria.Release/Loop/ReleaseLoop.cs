using System.Text.Json;
using Canaria.Core.Engine;
using Canaria.Core.Serialization;
using Canaria.Release.Drivers;

namespace Canaria.Release.Loop;

/// <summary>
/// One pass of the release loop, the same on both platforms: observe the workload, the applied split and the analysis;
/// apply a pending command once; run the engine; store the decided status first; then record events, start checks and
/// gates, scale the workload and apply the split. Nothing is applied from a status the store refused, except a decision
/// that only moves traffic toward stable, which is applied when the store fails (an abort must reach the data plane).
/// </summary>
internal static class ReleaseLoop
{
    public static async Task<PassResult> RunAsync(ReleaseInput input, ReleaseDrivers drivers, CancellationToken cancellationToken)
    {
        var observation = new Observation
        {
            SpecRevision = input.SpecRevision,
            Revisions = await drivers.Workload.ObserveAsync(cancellationToken).ConfigureAwait(false),
        };
        observation = observation with { AppliedTraffic = await drivers.Traffic.ObserveAsync(observation, cancellationToken).ConfigureAwait(false) };
        observation = drivers.Analysis.Observe(input.Status, observation);

        var events = new List<RolloutEvent>();
        var (status, command) = ApplyCommand(input, events);
        var decision = RolloutEngine.Reconcile(input.Spec, status, observation, input.Now, input.Voice);
        events.AddRange(decision.Events);
        var replicas = drivers.Traffic.Replicas(decision, observation);

        var stored = await drivers.Store.StoreAsync(new StatusRecord(decision, replicas, input.Command?.Text), cancellationToken).ConfigureAwait(false);
        var moved = !Same(decision.Status, input.Status);
        var result = new PassResult(PassOutcome.Applied, decision, observation, replicas, stored) { Command = command, Moved = moved };
        switch (stored.Outcome)
        {
            case StoreOutcome.Conflict:
                return result with { Outcome = PassOutcome.Conflict };
            case StoreOutcome.Failed when moved && !TowardStable.MayApplyUnstored(input.Status, decision):
                return result with { Outcome = PassOutcome.Held };
            case StoreOutcome.Failed:
                result = result with { Outcome = PassOutcome.AppliedUnstored };
                break;
        }

        foreach (var e in events) await drivers.Events.RecordAsync(e, decision.Status, cancellationToken).ConfigureAwait(false);
        var nextCheck = drivers.Analysis.Decided(decision, events, cancellationToken);
        var scaleError = await drivers.Workload.ScaleAsync(replicas, cancellationToken).ConfigureAwait(false);
        // A split toward stable is applied even when scaling failed: stable already runs, and the canary must lose its share.
        var traffic = scaleError is null || TowardStable.MayApplyUnstored(input.Status, decision)
            ? await drivers.Traffic.ApplyAsync(decision, observation, cancellationToken).ConfigureAwait(false)
            : null;
        return result with { Events = events, NextCheck = nextCheck, ScaleError = scaleError, Traffic = traffic };
    }

    /// <summary>Applies the pending command to the status the pass starts from; a refusal leaves it as it is.</summary>
    private static (RolloutStatus? Status, CommandResult? Result) ApplyCommand(ReleaseInput input, List<RolloutEvent> events)
    {
        if (input.Command is not { } pending) return (input.Status, null);
        var result = pending.Command is null || input.Status is null
            ? new CommandResult(null, pending.ParseError ?? "the rollout has no status yet", null)
            : RolloutCommands.Apply(input.Spec, input.Status, pending.Command, input.Now);
        if (result.Event is { } applied)
            events.Add(pending.Answered ? applied : applied with { Message = $"{pending.Text}: {applied.Message}" });
        else if (!pending.Answered)
            events.Add(new RolloutEvent(input.Now, EventType.Warning, "CommandRefused", $"{pending.Text}: {result.Error}"));
        return (result.Ok ? result.Status : input.Status, result);
    }

    private static bool Same(RolloutStatus? a, RolloutStatus? b) =>
        JsonSerializer.Serialize(a, CoreJson.Options) == JsonSerializer.Serialize(b, CoreJson.Options);
}
