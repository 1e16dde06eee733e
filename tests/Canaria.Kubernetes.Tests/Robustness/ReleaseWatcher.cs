using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Canaria.Kubernetes.Resources;

namespace Canaria.Kubernetes.Tests.Robustness;

/// <summary>
/// Samples a release from the outside while it runs (failed reads, e.g. during an API outage, are skipped): every step
/// index the Rollout's status shows, and every canary pod that was Ready, so a test can check nothing went backwards.
/// </summary>
internal sealed class ReleaseWatcher : IAsyncDisposable
{
    private readonly KubeClient _client;
    private readonly string _namespace;
    private readonly string _rollout;
    private readonly string _canaryImage;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentQueue<int> _steps = new();
    private readonly ConcurrentDictionary<string, string> _servingCanaries = new(StringComparer.Ordinal);
    private readonly Task _loop;

    public ReleaseWatcher(KubeClient client, string ns, string rollout, string canaryImage)
    {
        _client = client;
        _namespace = ns;
        _rollout = rollout;
        _canaryImage = canaryImage;
        _loop = Task.Run(() => LoopAsync(_stop.Token));
    }

    /// <summary>status.canaria.stepIndex as sampled, consecutive repeats removed.</summary>
    public IReadOnlyList<int> Steps => _steps.ToList();

    /// <summary>Canary pods (uid → name) that were seen Ready.</summary>
    public IReadOnlyDictionary<string, string> ServingCanaries => _servingCanaries;

    private async Task LoopAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(100));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            using var call = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            call.CancelAfter(TimeSpan.FromSeconds(2));
            try
            {
                var r = await _client.GetAsync(RolloutResource.Rollouts, _namespace, _rollout, call.Token).ConfigureAwait(false);
                if (r.Value?["status"]?["canaria"]?["stepIndex"] is { } step && r.Value["status"]?["canaria"]?["canaryRevision"] is not null)
                {
                    var index = step.GetValue<int>();
                    if (_steps.IsEmpty || _steps.Last() != index) _steps.Enqueue(index);
                }
                var pods = await _client.ListAsync(KubeResource.Pods, _namespace, cancellationToken: call.Token).ConfigureAwait(false);
                foreach (var pod in pods.Value?.Items ?? [])
                {
                    if (RolloutScenario.IsReady(pod) && (string?)pod["spec"]?["containers"]?[0]?["image"] == _canaryImage)
                        _servingCanaries.TryAdd(Objects.Str(pod, "metadata", "uid")!, Objects.Str(pod, "metadata", "name")!);
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    /// <summary>Canary pods that were Ready once and no longer exist (or are terminating).</summary>
    public async Task<IReadOnlyList<string>> DeletedCanariesAsync()
    {
        var pods = (await _client.ListAllAsync(KubeResource.Pods, _namespace)).ValueOrThrow().Items
            .Where(p => p["metadata"]?["deletionTimestamp"] is null).Select(p => Objects.Str(p, "metadata", "uid")).ToHashSet();
        return _servingCanaries.Where(p => !pods.Contains(p.Key)).Select(p => p.Value).ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
