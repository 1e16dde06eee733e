using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Resources;
using k8s.Models;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Blue-green on Kubernetes (seed 004): the active Service selects one revision's pods by pod-template-hash.
/// Canaria writes only that selector key; which revision it selects is the traffic the engine sees as applied
/// (0% or 100% to the new revision).
/// </summary>
/// <param name="cached">The Service as the controller's informer last saw it (a watched object: reading it costs no request).</param>
internal sealed class ActiveService(KubeClient client, Func<string, string, V1Service?> cached)
{
    /// <summary>The pod-template-hash the Service selects now, or null when it has no such key or does not exist.</summary>
    public Task<(bool Exists, string? PodHash)> ReadAsync(string ns, string name, CancellationToken cancellationToken) =>
        Task.FromResult(cached(ns, name) is { } got ? (true, Selected(got)) : (false, (string?)null));

    /// <summary>The pod-template-hash a Service's selector names, or null.</summary>
    public static string? Selected(V1Service service) =>
        service.Spec?.Selector?.TryGetValue(PodTemplates.HashLabel, out var hash) == true ? hash : null;

    public async Task<string?> SelectAsync(string ns, string name, string podHash, string? current, CancellationToken cancellationToken)
    {
        if (current == podHash) return null;
        var patch = new JsonObject { ["spec"] = new JsonObject { ["selector"] = new JsonObject { [PodTemplates.HashLabel] = podHash } } };
        var patched = await client.PatchAsync(KubeResource.Services, ns, name, PatchType.Merge, patch, cancellationToken: cancellationToken).ConfigureAwait(false);
        return patched.IsSuccess ? null : $"switching Service {name} to pod-template-hash {podHash} failed: {patched.Error}";
    }

    /// <summary>The split a selector means: everything to whichever revision's pods it selects.</summary>
    public static TrafficTarget? Applied(RolloutStatus? engine, string? selected, Func<int, string?> podHashOf)
    {
        if (engine is not { StableRevision: { } stable } || selected is null) return null;
        var canary = engine.Traffic?.CanaryRevision ?? engine.CanaryRevision;
        if (canary is { } c && podHashOf(c) == selected)
            return new TrafficTarget { StableRevision = stable, CanaryRevision = c, CanaryWeight = 100 };
        return podHashOf(stable) == selected ? new TrafficTarget { StableRevision = stable, CanaryRevision = canary } : null;
    }

    /// <summary>The revision whose pods the Service must select for this decided split.</summary>
    public static int Target(TrafficTarget traffic) =>
        traffic is { CanaryRevision: { } c, CanaryWeight: >= 100 } ? c : traffic.StableRevision;
}
