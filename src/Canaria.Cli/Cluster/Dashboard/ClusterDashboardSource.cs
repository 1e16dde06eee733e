using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Core.Model;
using Canaria.Core.Serialization;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using k8s.Models;
using Canaria.Local.Dashboard;
using Canaria.Local.Dashboard.Series;

namespace Canaria.Cli.Cluster.Dashboard;

/// <summary>
/// The Rollouts of one namespace as the dashboard's source, every request made with the kubeconfig's credentials: RBAC
/// decides what is shown and which operations work. The namespace is listed (Rollouts, Deployments, ReplicaSets) at most
/// once per <see cref="Refresh"/> however many pages are open; events (the decisions) are read for an opened Rollout only.
/// Operations are the CLI's: the same confirmed <c>canaria.dev/command</c> write (<see cref="ClusterCommand"/>) or the
/// same undo, and their answer is the CLI's sentence (for a refusal by RBAC, with the API's own message).
/// </summary>
internal sealed class ClusterDashboardSource(ClusterSession session, TimeSpan operationTimeout, ClusterSignals? signals) : IDashboardSource, IDisposable
{
    public static readonly TimeSpan Refresh = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _reading = new(1, 1);
    private readonly ConcurrentDictionary<string, (string Uid, long Generation, int Replicas, RolloutSpec? Spec)> _specs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, (DateTimeOffset At, IReadOnlyList<DashboardEvent> Events)> _events = new(StringComparer.Ordinal);
    private ClusterSnapshot _snapshot = ClusterSnapshot.None;

    public string Platform => $"kubernetes · namespace {session.Namespace}";

    public string? Problem => Volatile.Read(ref _snapshot).Problem;

    public async ValueTask<IReadOnlyList<DashboardRollout>> ListAsync(CancellationToken ct) => (await SnapshotAsync(ct).ConfigureAwait(false)).Rollouts;

    public async ValueTask<DashboardRollout?> GetAsync(string name, CancellationToken ct) =>
        (await SnapshotAsync(ct).ConfigureAwait(false)).Rollouts.FirstOrDefault(r => r.Name == name);

    public async ValueTask<IReadOnlyList<DashboardEvent>> HistoryAsync(string name, int limit, CancellationToken ct)
    {
        var now = session.Time.GetUtcNow();
        if (_events.TryGetValue(name, out var cached) && now - cached.At < Refresh) return cached.Events;
        var options = new ListOptions { FieldSelector = $"involvedObject.kind=Rollout,involvedObject.name={name}" };
        var list = await session.Client.ListAllAsync(KubeResource.Events, session.Namespace, options, ct).ConfigureAwait(false);
        if (!list.IsSuccess) return _events.TryGetValue(name, out var last) ? last.Events : []; // kept; the API's refusal is not hidden: see ReadAsync
        IReadOnlyList<DashboardEvent> events = [.. list.Value!.Items.Select(Event).OrderBy(e => e.At).TakeLast(limit)];
        _events[name] = (now, events);
        foreach (var gone in _events.Keys.Where(k => k != name && now - _events[k].At > TimeSpan.FromMinutes(5)).ToList()) _events.TryRemove(gone, out _);
        return events;
    }

    public async ValueTask<IReadOnlyList<DashboardRevision>> RevisionsAsync(string name, CancellationToken ct) =>
        (await SnapshotAsync(ct).ConfigureAwait(false)).Views.TryGetValue(name, out var view)
            ? [.. ClusterHistory.Of(view).Select(h => new DashboardRevision(h.Revision, h.Images ?? "(ReplicaSet gone)", h.Created ?? default, h.Role))]
            : [];

    /// <summary>Golden signals from the data plane's Prometheus when the dashboard was given one (--prometheus), else none.</summary>
    public SeriesSlice Series(string name, long after) =>
        signals?.After(name, after, Volatile.Read(ref _snapshot).Views.GetValueOrDefault(name)) ?? SeriesSlice.Empty(after);

    public DashboardNote? SignalsNote(string name) => signals?.Note(name) ?? new DashboardNote(
        $"Golden signals on a cluster come from the data plane's Prometheus: start the dashboard with --prometheus URL, as for `{ClusterOptions.Command("stat " + name + " --prometheus URL")}`.", false);

    public async ValueTask<DashboardAnswer> ActAsync(string name, DashboardAction action, CancellationToken ct)
    {
        var outcome = action.Op switch
        {
            "promote" or "promote-full" or "pause" or "resume" or "abort" or "retry" =>
                await ClusterCommand.SendAsync(session, name, action.Op, operationTimeout, ct).ConfigureAwait(false),
            "jump" when action.Step is { } step and > 0 =>
                await ClusterCommand.SendAsync(session, name, "jump " + step.ToString(CultureInfo.InvariantCulture), operationTimeout, ct).ConfigureAwait(false),
            "jump" => ClusterOutcome.Failed(ExitCodes.Invalid, "jump needs the step to go to (1-based)"),
            "undo" => await ClusterUndo.UndoAsync(session, name, action.ToRevision, ct).ConfigureAwait(false),
            _ => ClusterOutcome.Failed(ExitCodes.Invalid, $"unknown operation '{action.Op}'"),
        };
        Volatile.Write(ref _snapshot, Volatile.Read(ref _snapshot) with { At = DateTimeOffset.MinValue }); // show the operation's effect on the next read
        return new DashboardAnswer(outcome.Ok, outcome.Forbidden ? 403 : Status(outcome.ExitCode), outcome.Message);
    }

    public void Dispose() => _reading.Dispose();

    private static int Status(int exitCode) => exitCode switch
    {
        ExitCodes.Ok => 200,
        ExitCodes.Invalid => 400,
        ExitCodes.NotFound => 404,
        ExitCodes.Unreachable => 504,
        _ => 409,
    };

    private async ValueTask<ClusterSnapshot> SnapshotAsync(CancellationToken ct)
    {
        var current = Volatile.Read(ref _snapshot);
        if (session.Time.GetUtcNow() - current.At < Refresh) return current;
        await _reading.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            current = Volatile.Read(ref _snapshot);
            if (session.Time.GetUtcNow() - current.At < Refresh) return current; // another page read it meanwhile
            var next = await ReadAsync(current, ct).ConfigureAwait(false);
            Volatile.Write(ref _snapshot, next);
            return next;
        }
        finally
        {
            _reading.Release();
        }
    }

    private async Task<ClusterSnapshot> ReadAsync(ClusterSnapshot previous, CancellationToken ct)
    {
        var now = session.Time.GetUtcNow();
        var rollouts = await session.Client.ListAllAsync(RolloutResource.Rollouts, session.Namespace, cancellationToken: ct).ConfigureAwait(false);
        if (!rollouts.IsSuccess) return previous with { At = now, Problem = ClusterFailure.Describe(session, rollouts.Error!, "list", "rollouts.canaria.dev", "Rollouts").Message };
        var deployments = await session.Client.ListAllAsync<V1Deployment>(KubeResource.Deployments, session.Namespace, cancellationToken: ct).ConfigureAwait(false);
        var sets = await session.Client.ListAllAsync<V1ReplicaSet>(KubeResource.ReplicaSets, session.Namespace, cancellationToken: ct).ConfigureAwait(false);
        string? problem = null;
        if (!deployments.IsSuccess) problem = ClusterFailure.Describe(session, deployments.Error!, "list", "deployments.apps", "Deployments").Message + "; replicas are not shown";
        else if (!sets.IsSuccess) problem = ClusterFailure.Describe(session, sets.Error!, "list", "replicasets.apps", "ReplicaSets").Message + "; replicas are not shown";
        var byName = deployments.IsSuccess ? deployments.Value!.ToDictionary(d => d.Metadata.Name, StringComparer.Ordinal) : [];
        IReadOnlyList<V1ReplicaSet> replicaSets = sets.IsSuccess ? sets.Value! : [];

        var views = new Dictionary<string, ClusterRolloutView>(StringComparer.Ordinal);
        var shown = new List<DashboardRollout>();
        foreach (var item in rollouts.Value!.Items.OrderBy(i => (string?)i["metadata"]?["name"], StringComparer.Ordinal))
        {
            var name = (string)item["metadata"]!["name"]!;
            var deploymentName = (string?)item["spec"]?["workloadRef"]?["name"];
            var deployment = deploymentName is not null && byName.TryGetValue(deploymentName, out var d) ? DeploymentView.Of(d, replicaSets, RolloutObject.Of(item).Uid) : null;
            var view = new ClusterRolloutView { Rollout = item, Name = name, DeploymentName = deploymentName, Deployment = deployment };
            views[name] = view;
            shown.Add(ClusterRolloutMapping.Map(view, Spec(item, name, deployment?.Replicas)));
        }
        foreach (var gone in _specs.Keys.Where(k => !views.ContainsKey(k)).ToList()) _specs.TryRemove(gone, out _);
        return new ClusterSnapshot(now, shown, views, problem);
    }

    /// <summary>The parsed spec (with the Deployment's replicas, as the controller reads it), parsed again only when its generation changes.</summary>
    private RolloutSpec? Spec(JsonObject rollout, string name, int? replicas)
    {
        var uid = (string?)rollout["metadata"]?["uid"] ?? "";
        var generation = ClusterRolloutView.Int(rollout["metadata"]?["generation"]) ?? -1;
        var size = replicas ?? 1;
        if (_specs.TryGetValue(name, out var cached) && cached.Uid == uid && cached.Generation == generation && cached.Replicas == size) return cached.Spec;
        var document = new JsonObject
        {
            ["apiVersion"] = RolloutResource.Rollouts.ApiVersion,
            ["kind"] = RolloutResource.Rollouts.Kind,
            ["metadata"] = new JsonObject { ["name"] = name, ["namespace"] = session.Namespace },
            ["spec"] = rollout["spec"]?.DeepClone() ?? new JsonObject(),
        };
        var spec = RolloutYaml.Parse(document.ToJsonString()).Document?.Spec;
        if (spec is not null) spec = spec with { Replicas = size };
        _specs[name] = (uid, generation, size, spec);
        return spec;
    }

    private static DashboardEvent Event(JsonObject e)
    {
        var at = (string?)e["lastTimestamp"] ?? (string?)e["eventTime"] ?? (string?)e["firstTimestamp"] ?? (string?)e["metadata"]?["creationTimestamp"];
        return new DashboardEvent(DateTimeOffset.TryParse(at, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var t) ? t : default,
            (string?)e["type"] ?? "Normal", (string?)e["reason"] ?? "", (string?)e["message"] ?? "");
    }
}
