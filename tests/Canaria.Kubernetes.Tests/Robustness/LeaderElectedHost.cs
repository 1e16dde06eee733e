using Canaria.Kubernetes.Client;
using Canaria.Kubernetes.Controller;
using Canaria.Kubernetes.Tests.Support;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Tests.Robustness;

/// <summary>KubeControllerHost (what `canaria controller` runs) in-process, with its Lease in the test's namespace.</summary>
internal sealed class LeaderElectedHost : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private Task _run = Task.CompletedTask;

    private LeaderElectedHost(KubeControllerHost host) => Host = host;

    public KubeControllerHost Host { get; }

    public static async Task<LeaderElectedHost> StartAsync(KubeClient client, string ns, ILogger logger)
    {
        var host = new KubeControllerHost(client,
            new KubeControllerOptions { Namespace = ns, ProgressInterval = TimeSpan.FromMilliseconds(200), RetryInterval = TimeSpan.FromMilliseconds(500) },
            new LeaderElectionOptions { Namespace = ns, Identity = "outage-test-" + ns }, logger);
        var started = new LeaderElectedHost(host);
        started._run = host.RunAsync(started._stop.Token);
        await Eventually.WaitAsync(() => host.Running is not null || started._run.IsCompleted, RolloutScenario.Deadline, "the host to lead and run its controller");
        Assert.False(started._run.IsCompleted, $"the host stopped: {started._run.Exception}");
        return started;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        try
        {
            await _run;
        }
        catch (OperationCanceledException)
        {
        }
        _stop.Dispose();
    }
}
