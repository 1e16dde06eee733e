namespace Canaria.Kubernetes.Controller;

public sealed record KubeControllerOptions
{
    /// <summary>The namespace to watch; null watches all namespaces.</summary>
    public string? Namespace { get; init; }

    /// <summary>How soon a rollout in progress is looked at again (pause durations, deadlines, readiness).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>How soon a settled rollout is looked at again without any event.</summary>
    public TimeSpan ResyncInterval { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Longest wait for one Prometheus or web check answer; a slower source is an error, never a pass.</summary>
    public TimeSpan MetricTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>After a failed API call.</summary>
    public TimeSpan RetryInterval { get; init; } = TimeSpan.FromSeconds(2);
}
