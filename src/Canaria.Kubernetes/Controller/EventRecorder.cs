using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Kubernetes.Client;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Writes the engine's decisions as core/v1 Events on the Rollout (kubectl describe shows them), through the official client's
/// typed API. The same event again (same Rollout, type, reason and message) is not a new Event: the existing one gets its count
/// raised and lastTimestamp moved, as kubectl's own recorder does, so a repeated state reads "x5 over 3m", not five lines.
/// </summary>
internal sealed class EventRecorder(KubeClient client)
{
    private const int MaxMessage = 1024;

    /// <summary>Events written, by what they say; cleared when full (a repeat after that is a new Event, nothing worse).</summary>
    private const int MaxRemembered = 4096;

    private readonly ConcurrentDictionary<string, (string Name, int Count)> _written = new(StringComparer.Ordinal);

    public async Task RecordAsync(JsonObject rollout, RolloutEvent e, CancellationToken cancellationToken)
    {
        var typed = RolloutObject.Of(rollout);
        var ns = typed.Namespace ?? client.DefaultNamespace;
        var name = typed.Name;
        var message = e.Message.Length > MaxMessage ? e.Message[..MaxMessage] : e.Message;
        var key = $"{ns}/{name}/{typed.Uid}/{e.Type}/{e.Reason}/{message}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.Config.RequestTimeout);
        try
        {
            if (_written.TryGetValue(key, out var seen))
            {
                var patch = new JsonObject { ["count"] = seen.Count + 1, ["lastTimestamp"] = e.At.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) };
                var patched = await client.PatchAsync(KubeResource.Events, ns, seen.Name, PatchType.Merge, patch, cancellationToken: timeout.Token).ConfigureAwait(false);
                if (patched.IsSuccess)
                {
                    _written[key] = (seen.Name, seen.Count + 1);
                    return;
                }
                _written.TryRemove(key, out _); // expired (Events live an hour) or unreadable: write a new one
            }
            var created = await client.Api.CoreV1.CreateNamespacedEventAsync(New(typed, ns, name, e, message), ns, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (_written.Count >= MaxRemembered) _written.Clear();
            if (created?.Metadata?.Name is { } eventName) _written[key] = (eventName, 1);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // An event that cannot be written is lost, never a reason to stop the rollout.
        }
    }

    private static Corev1Event New(RolloutObject typed, string ns, string name, RolloutEvent e, string message) => new()
    {
        Metadata = new V1ObjectMeta { GenerateName = name + ".", NamespaceProperty = ns },
        InvolvedObject = new V1ObjectReference
        {
            ApiVersion = RolloutResource.Rollouts.ApiVersion,
            Kind = RolloutResource.Rollouts.Kind,
            Name = name,
            NamespaceProperty = ns,
            Uid = typed.Uid,
        },
        Reason = e.Reason,
        Message = message,
        Type = e.Type.ToString(),
        FirstTimestamp = e.At.UtcDateTime,
        LastTimestamp = e.At.UtcDateTime,
        Count = 1,
        Source = new V1EventSource { Component = "canaria-controller" },
    };
}
