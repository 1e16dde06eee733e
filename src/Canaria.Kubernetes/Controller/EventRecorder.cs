using System.Collections.Concurrent;
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
/// controller's log has every event anyway); stopping sends what is queued for a few seconds. The same event again (same
/// object, type, reason and message) is not a new Event: the existing one gets its count raised and lastTimestamp moved,
/// as kubectl's own recorder does, so a repeated state reads "x5 over 3m", not five lines.
/// </summary>
internal sealed class EventRecorder(KubeClient client, ILogger logger) : IAsyncDisposable
{
    private const int MaxMessage = 1024;

    /// <summary>Events written, by what they say; cleared when full (a repeat after that is a new Event, nothing worse).</summary>
    private const int MaxRemembered = 4096;

    private readonly BackgroundWrites _writes = new(capacity: 2000, writers: 2, drainTimeout: TimeSpan.FromSeconds(5), client.Time, logger);
    private readonly ConcurrentDictionary<string, (string Name, int Count)> _written = new(StringComparer.Ordinal);

    /// <summary>
    /// One send at a time per event, so two writers never both create the Event a repeat should have counted: a fixed set of
    /// gates picked by the event's hash (two different events may share one and wait; memory never grows with them).
    /// </summary>
    private readonly SemaphoreSlim[] _sending = Enumerable.Range(0, 64).Select(_ => new SemaphoreSlim(1, 1)).ToArray();

    /// <summary>Events dropped because the queue was full.</summary>
    public int Dropped => _writes.Dropped;

    /// <summary>Events queued and not sent yet.</summary>
    public int Pending => _writes.Pending;

    public ValueTask RecordAsync(JsonObject rollout, RolloutEvent e, CancellationToken cancellationToken) =>
        RecordOnAsync(RolloutResource.Rollouts, KubeMeta.Of(rollout), e, cancellationToken);

    /// <summary>The same event on another object (the Deployment, for what someone did to it).</summary>
    public ValueTask RecordOnAsync(KubeResource resource, V1ObjectMeta meta, RolloutEvent e, CancellationToken cancellationToken)
    {
        var ns = meta.NamespaceProperty ?? client.DefaultNamespace;
        var name = meta.Name;
        var message = e.Message.Length > MaxMessage ? e.Message[..MaxMessage] : e.Message;
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
            Message = message,
            Type = e.Type.ToString(),
            FirstTimestamp = e.At.UtcDateTime,
            LastTimestamp = e.At.UtcDateTime,
            Count = 1,
            Source = new V1EventSource { Component = "canaria-controller" },
        };
        var key = $"{resource.Kind}/{ns}/{name}/{meta.Uid}/{e.Type}/{e.Reason}/{message}";
        _writes.TryQueue($"Event {e.Reason} of {resource.Kind} {ns}/{name}", ct => SendAsync(key, ev, ns, e.At, ct));
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    private async Task SendAsync(string key, Corev1Event ev, string ns, DateTimeOffset at, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(client.Config.RequestTimeout);
        var gate = _sending[(int)((uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_sending.Length)];
        try
        {
            await gate.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return; // another send of the same event hung past the request timeout: this one is lost, as a failed write is
        }
        try
        {
            if (_written.TryGetValue(key, out var seen))
            {
                var patch = new JsonObject { ["count"] = seen.Count + 1, ["lastTimestamp"] = at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", System.Globalization.CultureInfo.InvariantCulture) };
                var patched = await client.PatchAsync(KubeResource.Events, ns, seen.Name, PatchType.Merge, patch, cancellationToken: timeout.Token).ConfigureAwait(false);
                if (patched.IsSuccess)
                {
                    _written[key] = (seen.Name, seen.Count + 1);
                    return;
                }
                _written.TryRemove(key, out _); // expired (Events live an hour) or unreadable: write a new one
            }
            var created = await client.Api.CoreV1.CreateNamespacedEventAsync(ev, ns, cancellationToken: timeout.Token).ConfigureAwait(false);
            if (_written.Count >= MaxRemembered) _written.Clear();
            if (created?.Metadata?.Name is { } eventName) _written[key] = (eventName, 1);
        }
        catch (Exception ex) when (ex is HttpOperationException or HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            // An event that cannot be written is lost, never a reason to stop the rollout.
        }
        finally
        {
            gate.Release();
        }
    }
}
