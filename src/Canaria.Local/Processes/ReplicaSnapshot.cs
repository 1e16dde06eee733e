namespace Canaria.Local.Processes;

/// <summary>One replica at one moment. <see cref="Pid"/> is null while there is no process (back-off).</summary>
internal sealed record ReplicaSnapshot
{
    public required int Index { get; init; }
    public int? Pid { get; init; }
    public int Port { get; init; }

    /// <summary><c>http://127.0.0.1:port</c>; empty while there is no process.</summary>
    public string Url { get; init; } = "";
    public required ReplicaState State { get; init; }
    public int Restarts { get; init; }
    public int? LastExitCode { get; init; }
    public required string LogPath { get; init; }
    public required string TemplateHash { get; init; }

    /// <summary>True when this replica runs an older template and is being replaced (rolling).</summary>
    public bool Outgoing { get; init; }

    /// <summary>True when this replica was started by a previous supervisor and adopted.</summary>
    public bool Adopted { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? NextRestartAt { get; init; }
    public string? LastError { get; init; }
}
