namespace Canaria.Local.Processes;

/// <summary>
/// What is persisted per running replica in <c>&lt;stateDir&gt;/replicas/&lt;setKey&gt;/&lt;index&gt;.json</c>, so a
/// later supervisor can adopt the process (same pid AND same start time, so a reused pid is never adopted).
/// </summary>
internal sealed record ReplicaRecord
{
    public required string SetKey { get; init; }
    public required int Index { get; init; }
    public required int Pid { get; init; }
    public required ulong ProcessStartTime { get; init; }
    public required int Port { get; init; }
    public required string TemplateHash { get; init; }
    public required string Version { get; init; }
    public string? ReadinessPath { get; init; }
    public bool ReadinessHttp2 { get; init; }
    public required string LogPath { get; init; }
    public required DateTimeOffset StartedAt { get; init; }
    public int Restarts { get; init; }

    /// <summary>True for a replica of an older template that was being replaced (record file <c>&lt;index&gt;.old.json</c>).</summary>
    public bool Outgoing { get; init; }
}
