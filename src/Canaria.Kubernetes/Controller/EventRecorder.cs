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

    public async Task RecordAsync(JsonObject rollout, RolloutEvent e, CancellationToken cancellationToken)
    {
        var typed = RolloutObject.Of(rollout);
        var ns = typed.Namespace ?? client.DefaultNamespace;
        var name = typed.Name;
        var ev = new Corev1Event
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
