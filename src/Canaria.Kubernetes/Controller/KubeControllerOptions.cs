namespace Canaria.Kubernetes.Controller;

public sealed record KubeControllerOptions
{
    /// <summary>The namespace to watch; null watches all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>
    /// How soon a routed rollout is looked at again while its router has not confirmed the decided split (a router's
    /// objects are read, not watched). Everything else a rollout waits for is an event (its Deployment, ReplicaSets,
    /// Services, the Rollout itself, an analysis result) or a known time (a timed pause, a deadline, a scale-down delay).
    /// </summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How soon a rollout is looked at again without any event or timer (a safety net, e.g. for a router edited by hand).</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Rollouts reconciled at once (one Rollout is never reconciled by two workers at a time).</summary>
    public int Workers { get; init; } = 10;

    /// <summary>Longest wait for one Prometheus or web check answer; a slower source is an error, never a pass.</summary>
    public TimeSpan MetricTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long a step may wait for ready pods or for a Service's endpoints before its condition turns False and a Warning
    /// event says so (the progress deadline, later, aborts the release).
    /// </summary>
    public TimeSpan StuckAfter { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the routers' objects are read again while a release holds a split in them (to find edits: drift), or while one is missing.</summary>
    public TimeSpan RouterCheckInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>After a failed API call.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);
}
