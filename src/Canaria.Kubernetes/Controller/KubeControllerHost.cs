using Canaria.Kubernetes.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Canaria.Kubernetes.Controller;

/// <summary>
/// The controller process: many instances may run; the one holding the Lease runs the Rollout controller, the others
/// wait to take over. This is what <c>canaria controller --kubeconfig …</c> is meant to call.
/// </summary>
public sealed class KubeControllerHost(KubeClient client, KubeControllerOptions controller, LeaderElectionOptions election, ILogger? logger = null)
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private readonly LeaderElector _elector = new(client, election, logger ?? NullLogger.Instance);

    public bool IsLeader => _elector.IsLeader;

    /// <summary>The controller this instance runs while it leads (null otherwise).</summary>
    public RolloutController? Running { get; private set; }

    public Task RunAsync(CancellationToken cancellationToken) => _elector.RunAsync(async ct =>
    {
        await using var rollouts = new RolloutController(client, controller, _logger);
        await rollouts.StartAsync(ct).ConfigureAwait(false);
        Running = rollouts;
        try
        {
            await Task.Delay(Timeout.InfiniteTimeSpan, client.Time, ct).ConfigureAwait(false);
        }
        finally
        {
            Running = null;
        }
    }, cancellationToken);
}
