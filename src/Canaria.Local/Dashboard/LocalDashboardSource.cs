using System.Collections.Concurrent;
using Canaria.Core.Engine;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Local.Api;
using Canaria.Local.Controller;
using Canaria.Local.Dashboard.Series;
using Canaria.Local.State;

namespace Canaria.Local.Dashboard;

/// <summary>The local controller as the dashboard's source: its published views, its store's history, its series, its commands.</summary>
internal sealed class LocalDashboardSource(LocalController controller, StateStore store) : IDashboardSource
{
    // Parsed specs by rollout, kept while the spec text is the same (views are republished every tick).
    private readonly ConcurrentDictionary<string, (string Text, RolloutSpec? Spec)> _specs = new(StringComparer.Ordinal);

    public string Platform => "local";

    /// <summary>The local controller's views are in memory: always readable (a failing state store shows per rollout as NotStored).</summary>
    public string? Problem => null;

    public ValueTask<IReadOnlyList<DashboardRollout>> ListAsync(CancellationToken ct)
    {
        var views = controller.Views;
        foreach (var gone in _specs.Keys.Where(k => !views.ContainsKey(k)).ToList()) _specs.TryRemove(gone, out _);
        return ValueTask.FromResult<IReadOnlyList<DashboardRollout>>([.. views.Values.OrderBy(v => v.Name, StringComparer.Ordinal).Select(Map)]);
    }

    public ValueTask<DashboardRollout?> GetAsync(string name, CancellationToken ct) =>
        ValueTask.FromResult(controller.Views.TryGetValue(name, out var view) ? Map(view) : null);

    public ValueTask<IReadOnlyList<DashboardEvent>> HistoryAsync(string name, int limit, CancellationToken ct) =>
        ValueTask.FromResult<IReadOnlyList<DashboardEvent>>(
            [.. store.ListEvents(name, limit).Select(e => new DashboardEvent(e.Timestamp, e.Type, e.Reason, e.Message))]);

    public ValueTask<IReadOnlyList<DashboardRevision>> RevisionsAsync(string name, CancellationToken ct)
    {
        var status = controller.Views.TryGetValue(name, out var view) ? view.Status : null;
        IReadOnlyList<DashboardRevision> revisions = [.. store.ListRevisions(name).Select(r => new DashboardRevision(
            r.Number, RevisionTemplates.Deserialize(r.TemplateJson).Version, r.CreatedAt,
            status is null ? "" : RolloutViews.Role(status, r.Number) is var role && role != "previous" ? role : ""))];
        return ValueTask.FromResult(revisions);
    }

    public SeriesSlice Series(string name, long after) => controller.Series.After(name, after);

    /// <summary>The gateway's exact counts: nothing to explain.</summary>
    public DashboardNote? SignalsNote(string name) => null;

    public async ValueTask<DashboardAnswer> ActAsync(string name, DashboardAction action, CancellationToken ct)
    {
        var reply = action.Op switch
        {
            "promote" => await controller.CommandAsync(name, new RolloutCommand(CommandKind.Promote), ct).ConfigureAwait(false),
            "promote-full" => await controller.CommandAsync(name, new RolloutCommand(CommandKind.PromoteFull), ct).ConfigureAwait(false),
            "pause" => await controller.CommandAsync(name, new RolloutCommand(CommandKind.Pause), ct).ConfigureAwait(false),
            "resume" => await controller.CommandAsync(name, new RolloutCommand(CommandKind.Resume), ct).ConfigureAwait(false),
            "abort" => await controller.CommandAsync(name, new RolloutCommand(CommandKind.Abort), ct).ConfigureAwait(false),
            "retry" => await controller.CommandAsync(name, new RolloutCommand(CommandKind.Retry), ct).ConfigureAwait(false),
            "jump" when action.Step is { } step => await controller.CommandAsync(name, new RolloutCommand(CommandKind.Jump, step - 1), ct).ConfigureAwait(false),
            "jump" => ControllerReply.Refused("jump needs the step to go to (1-based)"),
            "undo" => await controller.UndoAsync(name, action.ToRevision, ct).ConfigureAwait(false),
            _ => ControllerReply.Refused($"unknown operation '{action.Op}'"),
        };
        var status = ControllerApi.StatusOf(reply);
        return new DashboardAnswer(reply.Ok, status, reply.Message);
    }

    private DashboardRollout Map(RolloutView view) => DashboardMapping.FromStatus(view.Name, view.Strategy, view.Status, SpecOf(view)) with
    {
        NotStored = view.NotStored,
        Service = view.Service,
        ListenAddress = view.ListenAddress,
        Versions = [.. view.Versions.Select(v => new DashboardVersion(v.Revision, v.Version, v.Role, v.Weight, v.ReadyReplicas, v.DesiredReplicas) { WeightText = v.WeightText })],
    };

    private RolloutSpec? SpecOf(RolloutView view)
    {
        if (_specs.TryGetValue(view.Name, out var cached) && ReferenceEquals(cached.Text, view.Spec)) return cached.Spec;
        var spec = RolloutYaml.Parse(view.Spec).Document?.Spec;
        _specs[view.Name] = (view.Spec, spec);
        return spec;
    }
}
