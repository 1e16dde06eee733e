using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using k8s.Models;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Makes the Deployment's ReplicaSets match a plan (pods per template hash), with each one controlled as
/// <see cref="ReplicaSetOwnership"/> says, so that the paused Deployment controller never resizes one Canaria sizes. A
/// missing ReplicaSet for the Deployment's current template is created from it with a pod-template-hash of Canaria's own
/// (the Deployment controller would adopt it as its new ReplicaSet, templates being equal ignoring that label), but only
/// once the Deployment controller has seen the pause: before that it may be making one of its own for the same template.
/// Reads are typed; every write is a merge patch or a create from the Deployment's own JSON, so no field the client's
/// model does not know is ever dropped.
/// </summary>
internal sealed class KubeWorkload(KubeClient client, JsonObject rollout)
{
    private readonly string _rolloutName = (string?)rollout["metadata"]?["name"] ?? "";

    public async Task<string?> ApplyAsync(string ns, DeploymentView d, IReadOnlyDictionary<string, int> plan, CancellationToken cancellationToken)
    {
        var planned = d.ReplicaSets.ToDictionary(rs => rs.Name,
            rs => plan.TryGetValue(rs.TemplateHash, out var n) && d.ReplicaSetOf(rs.TemplateHash) == rs ? n : 0, StringComparer.Ordinal);
        var primary = ReplicaSetOwnership.Primary(d, planned);
        var toDeployment = new[] { ReplicaSetOwnership.DeploymentReference(d) };
        var toRollout = ReplicaSetOwnership.RolloutOwners((JsonObject)RolloutResource.OwnerReferences(rollout)[0]!, d);
        // The primary changes hands while the Deployment controls another ReplicaSet with pods: with two active ones it
        // scales the older to 0 as soon as its template's is saturated, which the one that must serve need not be (an
        // abort after the canary became primary brings the old stable back beside it); with none active it scales its
        // newest up. So first the Rollout takes every ReplicaSet the Deployment controls, history first (with nothing it
        // scales nothing), then the Deployment adopts the new primary, then the rest are sized and the empty ones given
        // back. Each step leaves the Deployment controlling either nothing or one active ReplicaSet, so a crash between
        // any two writes leaves a state the next reconcile carries on from.
        var handover = primary is not null && primary.ControllerUid != d.Uid
            && d.ReplicaSets.Any(rs => rs != primary && rs.ControllerUid == d.Uid && rs.Replicas > 0);
        var changes = new List<Change>();
        foreach (var rs in d.ReplicaSets)
        {
            var held = rs.ControllerUid == d.Uid;
            if (handover && held)
            {
                changes.Add(new Change(rs, rs.Replicas, toRollout, Move.Release));
                held = false;
            }
            var count = planned[rs.Name];
            if (rs == primary) changes.Add(new Change(rs, d.Replicas, held ? null : toDeployment, held ? Move.Resize : Move.Adopt));
            else if (count > 0) changes.Add(new Change(rs, count, held ? toRollout : null, held ? Move.Take : Move.Resize));
            else if (held && rs.Replicas > 0 && primary is null) continue; // the Deployment controller holds it until a primary can take over
            else changes.Add(new Change(rs, 0, !held && primary is not null ? toDeployment : null, Move.Resize)); // no pods: back to the Deployment's history
        }
        // Away from the Deployment controller what is to grow; then the primary to it; then scale-downs before scale-ups.
        var versions = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var change in changes.OrderBy(c => c.Move).ThenBy(c => c.Count >= c.ReplicaSet.Replicas).ThenBy(c => c.ReplicaSet.Replicas))
        {
            var error = await PatchAsync(ns, d, change, versions, cancellationToken).ConfigureAwait(false);
            if (error is not null) return error;
        }
        if (plan.TryGetValue(d.TemplateHash, out var wanted) && d.ReplicaSetOf(d.TemplateHash) is null)
        {
            var owners = primary is null && !d.ReplicaSets.Any(rs => rs.ControllerUid == d.Uid && rs.Replicas > 0) ? toDeployment : toRollout;
            return await CreateAsync(ns, d, wanted, owners, cancellationToken).ConfigureAwait(false);
        }
        return null;
    }

    /// <summary>A paused Deployment whose controller has synced its current generation: that controller makes no ReplicaSet any more.</summary>
    public static bool PauseObserved(DeploymentView d) =>
        d.Paused && d.Object.Status?.ObservedGeneration is { } seen && seen >= (d.Object.Metadata?.Generation ?? long.MaxValue);

    private async Task<string?> CreateAsync(string ns, DeploymentView d, int count, JsonObject[] owners, CancellationToken cancellationToken)
    {
        if (!PauseObserved(d)) return null; // its status update is an event: the next reconcile looks again
        if (d.ReplicaSets.Count == 0)
        {
            // A new Deployment: the watch may not have brought the ReplicaSet its controller made just before it saw the
            // pause (made before its status said so); a list reads the API server's current state. Later revisions are
            // made while the Deployment is paused, when its controller makes none.
            var matchLabels = d.Object.Spec?.Selector?.MatchLabels?.Select(p => $"{p.Key}={p.Value}");
            var live = await client.ListAllAsync(KubeResource.ReplicaSets, ns,
                new ListOptions { LabelSelector = matchLabels is null ? null : string.Join(',', matchLabels), Limit = 500 }, cancellationToken).ConfigureAwait(false);
            if (!live.IsSuccess) return $"listing the ReplicaSets of {d.Name} failed: {live.Error}";
            if (DeploymentView.Of(d.Object, live.Value!.Items.Select(InformerCodecs.Typed<V1ReplicaSet>)).ReplicaSetOf(d.TemplateHash) is not null) return null; // on its way through the watch
        }
        // The new ReplicaSet copies the Deployment's template as JSON, read now: the cached typed copy would drop the
        // fields a newer API server has and the client's model does not (one GET per new revision).
        var source = await client.GetAsync(KubeResource.Deployments, ns, d.Name, cancellationToken).ConfigureAwait(false);
        if (source.Error is { IsNotFound: true }) return null; // deleted: its Deleted event follows
        if (!source.IsSuccess) return $"reading Deployment {d.Name} failed: {source.Error}";
        if (PodTemplates.Hash(source.Value!["spec"]?["template"]) != d.TemplateHash) return null; // a newer template is on its way through the watch
        var created = await client.CreateAsync(KubeResource.ReplicaSets, ns, NewReplicaSet(ns, d, source.Value!, count, owners), cancellationToken).ConfigureAwait(false);
        return created.IsSuccess || created.Error!.IsAlreadyExists ? null : $"creating the ReplicaSet of {d.Name} failed: {created.Error}";
    }

    /// <param name="versions">The resourceVersion each ReplicaSet got from an earlier write of this pass (its second write builds on the first).</param>
    private async Task<string?> PatchAsync(string ns, DeploymentView d, Change change, Dictionary<string, string?> versions, CancellationToken cancellationToken)
    {
        var (rs, count, owners, _) = change;
        var written = versions.TryGetValue(rs.Name, out var version);
        var (desired, max) = SizeAnnotations(d);
        var meta = rs.Object.Metadata;
        if (owners is null && !written && rs.Replicas == count && meta.Annotation(DeploymentView.DesiredReplicasAnnotation) == desired
            && meta.Annotation(DeploymentView.MaxReplicasAnnotation) == max)
            return null;
        var metadata = new JsonObject { ["annotations"] = new JsonObject { [DeploymentView.DesiredReplicasAnnotation] = desired, [DeploymentView.MaxReplicasAnnotation] = max } };
        if (owners is not null)
        {
            metadata["ownerReferences"] = ReplicaSetOwnership.WithOwners(rs, owners);
            // decided on what this version showed (its size, its available pods); a newer one is looked at again
            metadata["resourceVersion"] = written ? version : meta.ResourceVersion;
        }
        var patch = new JsonObject { ["metadata"] = metadata, ["spec"] = new JsonObject { ["replicas"] = count } };
        var patched = await client.PatchAsync(KubeResource.ReplicaSets, ns, rs.Name, PatchType.Merge, patch, cancellationToken: cancellationToken).ConfigureAwait(false);
        if (patched.IsSuccess) versions[rs.Name] = (string?)patched.Value?["metadata"]?["resourceVersion"];
        return patched.IsSuccess || patched.Error!.IsNotFound ? null : $"scaling ReplicaSet {rs.Name} to {count} failed: {patched.Error}";
    }

    /// <summary>desired-replicas and max-replicas as the Deployment controller itself writes them.</summary>
    private static (string Desired, string Max) SizeAnnotations(DeploymentView d) =>
        (d.Replicas.ToString(CultureInfo.InvariantCulture), (d.Replicas + d.MaxSurge).ToString(CultureInfo.InvariantCulture));

    /// <param name="source">The Deployment as JSON (its template and selector are copied).</param>
    private JsonObject NewReplicaSet(string ns, DeploymentView d, JsonObject source, int replicas, JsonObject[] owners)
    {
        var hash = d.TemplateHash;
        var template = source["spec"]?["template"]?.DeepClone() as JsonObject ?? [];
        var meta = template["metadata"] as JsonObject ?? [];
        template["metadata"] = meta;
        var labels = meta["labels"] as JsonObject ?? [];
        meta["labels"] = labels;
        labels[PodTemplates.HashLabel] = hash;
        var selector = source["spec"]?["selector"]?.DeepClone() as JsonObject ?? [];
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        selector["matchLabels"] = matchLabels;
        matchLabels[PodTemplates.HashLabel] = hash;
        var revision = d.ReplicaSets.Select(r => r.KubeRevision).DefaultIfEmpty(0).Max() + 1;
        var spec = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = template };
        if (source["spec"]?["minReadySeconds"] is { } minReady) spec["minReadySeconds"] = minReady.DeepClone();
        var (desired, max) = SizeAnnotations(d);
        return new JsonObject
        {
            ["apiVersion"] = "apps/v1",
            ["kind"] = "ReplicaSet",
            ["metadata"] = new JsonObject
            {
                ["name"] = $"{d.Name}-{hash}",
                ["namespace"] = ns,
                ["labels"] = labels.DeepClone(),
                ["annotations"] = new JsonObject
                {
                    [DeploymentView.RevisionAnnotation] = revision.ToString(CultureInfo.InvariantCulture),
                    [DeploymentView.DesiredReplicasAnnotation] = desired,
                    [DeploymentView.MaxReplicasAnnotation] = max,
                    [RolloutResource.RolloutLabel] = _rolloutName,
                },
                ["ownerReferences"] = new JsonArray([.. owners.Select(o => o.DeepClone())]),
            },
            ["spec"] = spec,
        };
    }

    /// <summary>
    /// The order of the writes: what the Deployment controls taken from it at its current size before a handover, a
    /// ReplicaSet taken from it to grow, then the primary given to it, then the rest.
    /// </summary>
    private enum Move { Release, Take, Adopt, Resize }

    /// <summary>One ReplicaSet's new size, and its new owner references (null: unchanged).</summary>
    private sealed record Change(OwnedReplicaSet ReplicaSet, int Count, JsonObject[]? Owners, Move Move);
}
