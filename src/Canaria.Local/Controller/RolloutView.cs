using Canaria.Core.Engine;

namespace Canaria.Local.Controller;

/// <summary>A read-only picture of one rollout, published after every tick for the API and the terminal.</summary>
internal sealed record RolloutView
{
    public required string Name { get; init; }
    public required string Spec { get; init; }
    public required int SpecRevision { get; init; }
    public required RolloutStatus Status { get; init; }
    public required string Strategy { get; init; }
    public required int Steps { get; init; }
    public string? Service { get; init; }
    public string? ListenAddress { get; init; }
    public TrafficTarget? AppliedTraffic { get; init; }
    public IReadOnlyList<VersionView> Versions { get; init; } = [];

    /// <summary>Set while the applied status could not be stored: why (e.g. "state store: disk full at ...").</summary>
    public string? NotStored { get; init; }
}

/// <summary>One running revision: its role, share of traffic and replicas.</summary>
internal sealed record VersionView
{
    public required int Revision { get; init; }
    public required string Version { get; init; }

    /// <summary>stable, canary, or previous (waiting for scale-down).</summary>
    public required string Role { get; init; }
    /// <summary>Percent of the weighted traffic this revision gets under the applied split.</summary>
    public int Weight { get; init; }

    /// <summary>The weight as the step wrote it (750 of weights 250/750); null when the step wrote a percentage.</summary>
    public int? WrittenWeight { get; init; }

    /// <summary>Under a replica-ratio split, this revision's ready replicas of all ready ("1/5"); otherwise null.</summary>
    public string? ReplicaRatio { get; init; }

    /// <summary>"75%", "750 (75%)" when the step wrote weights, "20% (replica ratio 1/5)" when ready replicas carry the split.</summary>
    public string WeightText =>
        ReplicaRatio is { } r ? $"{Weight}% (replica ratio {r})" : WrittenWeight is { } w ? $"{w} ({Weight}%)" : $"{Weight}%";

    public int DesiredReplicas { get; init; }
    public int ReadyReplicas { get; init; }
    public IReadOnlyList<ReplicaView> Replicas { get; init; } = [];
}

internal sealed record ReplicaView(int Index, int? Pid, int Port, string State, int Restarts, string LogPath);
