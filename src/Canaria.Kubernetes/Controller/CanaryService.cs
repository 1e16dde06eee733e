using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using k8s.Models;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// The canary Service of a canary release (seed 002): <c>&lt;svc&gt;-canary</c>, the user's Service's ports and selector plus
/// the canary's pod-template-hash, so testers and routers can reach only the new version. It exists while a release runs,
/// is owned by the Rollout (garbage-collected with it), and the user's Service itself is not changed. Both Services are
/// read from the controller's informer cache (<paramref name="cached"/>): a reconcile that changes nothing sends nothing.
/// </summary>
internal sealed class CanaryService(KubeClient client, Func<string, string, V1Service?> cached)
{
    public const string FieldManager = "canaria";

    public static string NameOf(string service) => service + "-canary";

    public async Task<string?> EnsureAsync(string ns, JsonObject rollout, string service, string? canaryPodHash, CancellationToken cancellationToken)
    {
        var name = NameOf(service);
        var current = cached(ns, name);
        var rolloutName = (string?)rollout["metadata"]?["name"];
        if (current is not null && current.Metadata.Label(RolloutResource.RolloutLabel) != rolloutName)
        {
            // Someone's own Service (e.g. left by Flagger or Argo Rollouts): never taken over or deleted.
            return $"Service {name} exists but was not created by Canaria for Rollout {rolloutName} (no label canaria.dev/rollout={rolloutName}); " +
                   "rename or delete it: Canaria keeps <spec.service.name>-canary for the canary's pods";
        }
        if (canaryPodHash is null)
        {
            if (current is null) return null;
            var deleted = await client.DeleteAsync(KubeResource.Services, ns, name,
                new DeleteOptions { PreconditionUid = current.Metadata.Uid }, cancellationToken).ConfigureAwait(false);
            return deleted.IsSuccess || deleted.Error!.IsNotFound ? null : $"deleting Service {name} failed: {deleted.Error}";
        }
        if (current is not null && ActiveService.Selected(current) == canaryPodHash) return null;
        if (cached(ns, service) is not { } baseService) return $"Service {service} (spec.service.name) not found in namespace {ns}";

        var selector = new JsonObject();
        foreach (var (key, value) in baseService.Spec?.Selector ?? new Dictionary<string, string>()) selector[key] = value;
        selector[PodTemplates.HashLabel] = canaryPodHash;
        var ports = new JsonArray();
        foreach (var p in (baseService.Spec?.Ports ?? []).Select(p => JsonSerializer.SerializeToNode(p, InformerCodecs.KubeJson)!))
        {
            var port = new JsonObject();
            foreach (var key in new[] { "name", "port", "targetPort", "protocol" })
            {
                if (p[key] is { } v) port[key] = v.DeepClone();
            }
            ports.Add(port);
        }
        var desired = new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Service",
            ["metadata"] = new JsonObject
            {
                ["name"] = name,
                ["namespace"] = ns,
                ["labels"] = new JsonObject { [RolloutResource.RolloutLabel] = rolloutName },
                ["ownerReferences"] = RolloutResource.OwnerReferences(rollout),
            },
            ["spec"] = new JsonObject { ["selector"] = selector, ["ports"] = ports },
        };
        var applied = await client.ApplyAsync(KubeResource.Services, ns, desired, FieldManager, force: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        return applied.IsSuccess ? null : $"applying Service {name} failed: {applied.Error}";
    }
}
