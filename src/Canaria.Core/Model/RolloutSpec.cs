namespace Canaria.Core.Model;

internal sealed record RolloutSpec
{
    /// <summary>Replicas of the stable version at rest; step replica percentages are relative to it.</summary>
    public int Replicas { get; init; } = 1;

    /// <summary>Local platform: how the gateway exposes the service.</summary>
    public ServiceSpec? Service { get; init; }

    /// <summary>Local platform: how to run one version. A changed template is a new revision.</summary>
    public VersionTemplate? Template { get; init; }

    /// <summary>Kubernetes platform: the user's Deployment.</summary>
    public WorkloadRef? WorkloadRef { get; init; }

    public StrategySpec Strategy { get; init; } = new();

    /// <summary>Kubernetes platform: the routers that move traffic; null routes by replica ratio (or the blue-green selector).</summary>
    public TrafficRoutingSpec? TrafficRouting { get; init; }

    public AnalysisSpec? Analysis { get; init; }

    /// <summary>Gates (pre-rollout, pre-traffic-increase, pre-promotion) and notifications (rollback, event).</summary>
    public IReadOnlyList<WebhookSpec> Webhooks { get; init; } = [];

    /// <summary>A step that does not finish within this time aborts the rollout.</summary>
    public TimeSpan ProgressDeadline { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Going back to one of the last N stable revisions skips the steps; null re-runs every step.</summary>
    public RollbackWindowSpec? RollbackWindow { get; init; }

    /// <summary>How long the previous version keeps its replicas after it lost all traffic.</summary>
    public TimeSpan ScaleDownDelay { get; init; } = TimeSpan.FromSeconds(30);
}
