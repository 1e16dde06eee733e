using System.Text.Json.Nodes;
using Canaria.Core.Engine;
using Canaria.Kubernetes.Client;
using k8s;
using k8s.Autorest;
using k8s.Models;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Controller;

/// <summary>Writes the engine's decisions as core/v1 Events on the Rollout (kubectl describe shows them), through the official client's typed API.</summary>
internal sealed class EventRecorder(KubeClient client)
{
    private const int MaxMessage = 1024;

    public Task RecordAsync(JsonObject rollout, RolloutEvent e, CancellationToken cancellationToken) =>
        RecordOnAsync(RolloutResource.Rollouts, rollout, e, cancellationToken);

    /// <summary>The same event on another object (the Deployment, for what someone did to it).</summary>
    public async Task RecordOnAsync(KubeResource resource, JsonObject involved, RolloutEvent e, CancellationToken cancellationToken)
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
