using System.Globalization;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Makes the Deployment's ReplicaSets match a plan (pods per template hash). A missing ReplicaSet for the
/// Deployment's current template is created from it, owned by the Deployment (controller reference), with a
/// pod-template-hash of Canaria's own; the Deployment controller adopts it as its new ReplicaSet because the
/// templates are equal ignoring that label. Annotations desired/max-replicas are kept as the Deployment
/// controller itself sets them, so its paused sync finds nothing to rescale.
/// </summary>
internal sealed class KubeWorkload(KubeClient client, string rolloutName)
{
    public async Task<string?> ApplyAsync(string ns, DeploymentView d, IReadOnlyDictionary<string, int> plan, CancellationToken cancellationToken)
    {
        var maxReplicas = (d.Replicas + d.MaxSurge).ToString(CultureInfo.InvariantCulture);
        var full = d.Replicas.ToString(CultureInfo.InvariantCulture);
        // The Deployment controller scales every old ReplicaSet to 0 once the new one is "saturated" (desired-replicas
        // equal to replicas and all available). For a Recreate Deployment, nothing else rewrites that annotation, so
        // while an old ReplicaSet still has planned pods the new one says 0 and only Canaria decides when old pods go
        // (blue-green keeps blue until its scale-down delay). A RollingUpdate Deployment's proportional scaling rewrites
        // it on every sync, so there it stays as the Deployment controller writes it.
        var oldStillRuns = d.Recreate && plan.Any(p => p.Key != d.TemplateHash && p.Value > 0);
        // Scale-downs first, scale-ups last: while stable and canary run, the paused Deployment controller holds their total
        // at replicas + maxSurge and rescales proportionally the moment it sees more (deleting pods that just served), so
        // the total written must never pass the budget on the way, not only in the end.
        foreach (var rs in d.ReplicaSets)
        {
            var planned = plan.TryGetValue(rs.TemplateHash, out _) && d.ReplicaSetOf(rs.TemplateHash) == rs;
            if (planned || rs.Replicas == 0) continue;
            var error = await ScaleAsync(ns, rs, 0, full, maxReplicas, cancellationToken).ConfigureAwait(false);
            if (error is not null) return error;
        }
        foreach (var (hash, count) in plan.OrderBy(p => p.Value - (d.ReplicaSetOf(p.Key)?.Replicas ?? 0)))
        {
            var desired = hash == d.TemplateHash && oldStillRuns ? "0" : full;
            var rs = d.ReplicaSetOf(hash);
            if (rs is null)
            {
                if (hash != d.TemplateHash) continue; // only the Deployment's current template can be made
                var created = await client.CreateAsync(KubeResource.ReplicaSets, ns, NewReplicaSet(ns, d, hash, count, desired, maxReplicas), cancellationToken).ConfigureAwait(false);
                if (!created.IsSuccess && !created.Error!.IsAlreadyExists) return $"creating the ReplicaSet of {d.Name} failed: {created.Error}";
                continue;
            }
            var error = await ScaleAsync(ns, rs, count, desired, maxReplicas, cancellationToken).ConfigureAwait(false);
            if (error is not null) return error;
        }
        return null;
    }

    private async Task<string?> ScaleAsync(string ns, OwnedReplicaSet rs, int count, string desired, string maxReplicas, CancellationToken cancellationToken)
    {
        var annotations = rs.Object["metadata"]?["annotations"];
        if (rs.Replicas == count && (string?)annotations?[DeploymentView.DesiredReplicasAnnotation] == desired
            && (string?)annotations?[DeploymentView.MaxReplicasAnnotation] == maxReplicas)
            return null;
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["annotations"] = new JsonObject { [DeploymentView.DesiredReplicasAnnotation] = desired, [DeploymentView.MaxReplicasAnnotation] = maxReplicas },
            },
            ["spec"] = new JsonObject { ["replicas"] = count },
        };
        var patched = await client.PatchAsync(KubeResource.ReplicaSets, ns, rs.Name, PatchType.Merge, patch, cancellationToken: cancellationToken).ConfigureAwait(false);
        return patched.IsSuccess || patched.Error!.IsNotFound ? null : $"scaling ReplicaSet {rs.Name} to {count} failed: {patched.Error}";
    }

    private JsonObject NewReplicaSet(string ns, DeploymentView d, string hash, int replicas, string desired, string maxReplicas)
    {
        var template = (JsonObject)d.Template.DeepClone();
        var meta = template["metadata"] as JsonObject ?? [];
        template["metadata"] = meta;
        var labels = meta["labels"] as JsonObject ?? [];
        meta["labels"] = labels;
        labels[PodTemplates.HashLabel] = hash;
        var selector = d.Object["spec"]?["selector"]?.DeepClone() as JsonObject ?? [];
        var matchLabels = selector["matchLabels"] as JsonObject ?? [];
        selector["matchLabels"] = matchLabels;
        matchLabels[PodTemplates.HashLabel] = hash;
        var revision = d.ReplicaSets.Select(r => r.KubeRevision).DefaultIfEmpty(0).Max() + 1;
        var spec = new JsonObject { ["replicas"] = replicas, ["selector"] = selector, ["template"] = template };
        if (d.Object["spec"]?["minReadySeconds"] is { } minReady) spec["minReadySeconds"] = minReady.DeepClone();
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
                    [DeploymentView.MaxReplicasAnnotation] = maxReplicas,
                    ["canaria.dev/rollout"] = rolloutName,
                },
                ["ownerReferences"] = new JsonArray(new JsonObject
                {
                    ["apiVersion"] = "apps/v1",
                    ["kind"] = "Deployment",
                    ["name"] = d.Name,
                    ["uid"] = d.Uid,
                    ["controller"] = true,
                    ["blockOwnerDeletion"] = true,
                }),
            },
            ["spec"] = spec,
        };
    }
}
