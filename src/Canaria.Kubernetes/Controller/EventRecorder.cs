using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Kubernetes.Client;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Microsoft.Extensions.Logging;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// Writes the engine's decisions as core/v1 Events on the Rollout (kubectl describe shows them), through the official
/// client's typed API, off the reconcile path: <see cref="RecordAsync"/> only queues the Event (<see cref="BackgroundWrites"/>),
/// so a release's status and ReplicaSet never wait for its history. A full queue drops Events (counted and logged; the
/// controller's log has every event anyway); stopping sends what is queued for a few seconds.
/// </summary>
internal sealed class EventRecorder(KubeClient client, ILogger logger) : IAsyncDisposable
{
    private const int MaxMessage = 1024;

    private readonly BackgroundWrites _writes = new(capacity: 2000, writers: 2, drainTimeout: TimeSpan.FromSeconds(5), client.Time, logger);

    /// <summary>Events dropped because the queue was full.</summary>
    public int Dropped => _writes.Dropped;

    /// <summary>Events queued and not sent yet.</summary>
    public int Pending => _writes.Pending;

    public ValueTask RecordAsync(JsonObject rollout, RolloutEvent e, CancellationToken cancellationToken) =>
        RecordOnAsync(RolloutResource.Rollouts, rollout, e, cancellationToken);

    /// <summary>The same event on another object (the Deployment, for what someone did to it).</summary>
    public ValueTask RecordOnAsync(KubeResource resource, JsonObject involved, RolloutEvent e, CancellationToken cancellationToken)
    {
        var meta = KubeMeta.Of(involved);
        var ns = meta.NamespaceProperty ?? client.DefaultNamespace;
        var name = meta.Name;
        var ev = new Corev1Event
        {
            Metadata = new V1ObjectMeta { GenerateName = name + ".", NamespaceProperty = ns },
            InvolvedObject = new V1ObjectReference
            {
                ApiVersion = resource.ApiVersion,
                Kind = resource.Kind,
                Name = name,
                NamespaceProperty = ns,
                Uid = meta.Uid,
            },
            Reason = e.Reason,
            Message = e.Message.Length > MaxMessage ? e.Message[..MaxMessage] : e.Message,
            Type = e.Type.ToString(),
            FirstTimestamp = e.At.UtcDateTime,
            LastTimestamp = e.At.UtcDateTime,
            Count = 1,
            Source = new V1EventSource { Component = "canaria-controller" },
        };
        _writes.TryQueue($"Event {e.Reason} of {resource.Kind} {ns}/{name}", ct => SendAsync(ev, ns, ct));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    private async Task SendAsync(Corev1Event ev, string ns, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.Config.RequestTimeout);
        try
        {
            await client.Api.CoreV1.CreateNamespacedEventAsync(ev, ns, cancellationToken: timeout.Token).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // An event that cannot be written is lost, never a reason to stop the rollout.
        }
    }
}
