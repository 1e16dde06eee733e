using System.Collections.Concurrent;
using Canaria.Analysis.Checks;
using Canaria.Core.Analysis;
using Canaria.Core.Engine;
using Canaria.Core.Model;

namespace Canaria.Local.Controller;

/// <summary>The controller's in-memory view of one rollout; only the controller loop touches it.</summary>
internal sealed class ManagedRollout(string name, RolloutDocument document, string specText, long rowVersion)
{
    public string Name { get; } = name;
    public RolloutDocument Document { get; set; } = document;
    public string SpecText { get; set; } = specText;
    public long RowVersion { get; set; } = rowVersion;
    public RolloutStatus? Status { get; set; }
    /// <summary>The status as the store holds it (it differs from <see cref="Status"/> while a decision waits to be stored).</summary>
    public string StatusJson { get; set; } = "";

    /// <summary>Why the applied status is not stored yet (the store failed), or null when it is.</summary>
    public string? UnstoredReason { get; set; }
    public int SpecRevision { get; set; }

    /// <summary>Templates by revision number, loaded from the store as needed.</summary>
    public Dictionary<int, VersionTemplate> Templates { get; } = [];

    /// <summary>Replicas per revision from the last decision.</summary>
    public IReadOnlyDictionary<int, int> DesiredReplicas { get; set; } = new Dictionary<int, int>();

    /// <summary>The split the engine wants.</summary>
    public TrafficTarget? DesiredTraffic { get; set; }

    /// <summary>The split the gateway actually serves (a version without ready endpoints gets no weight).</summary>
    public TrafficTarget? AppliedTraffic { get; set; }

    public AnalysisWindow? AnalysisWindow { get; set; }
    public List<Measurement> PendingMeasurements { get; } = [];

    /// <summary>Per-check timing and the counts at the start of the analysis window.</summary>
    public CheckSchedule Schedule { get; } = new();

    /// <summary>Measurements of remote checks (Prometheus, web), reported from their tasks; drained by the loop.</summary>
    public ConcurrentQueue<Measurement> RemoteResults { get; } = new();

    /// <summary>Remote checks with a request in flight (never two at once for one check).</summary>
    public ConcurrentDictionary<string, byte> RemoteInFlight { get; } = new(StringComparer.Ordinal);

    /// <summary>Webhook answers for gates, reported from their tasks; drained into the next observation.</summary>
    public ConcurrentQueue<GateResult> GateResults { get; } = new();

    /// <summary>Gate answers handed to the engine in the current tick.</summary>
    public List<GateResult> DrainedGateResults { get; } = [];

    /// <summary>The address the gateway really listens on for this service (port 0 resolved).</summary>
    public string? ListenAddress { get; set; }

    public RolloutSpec Spec => Document.Spec;
}
