namespace Canaria.Local.Processes;

/// <summary>
/// The observed state of one replica set. <see cref="ReadyCount"/> counts Ready replicas of the current
/// template only. <see cref="Declared"/> is false for sets adopted at start that the controller has not declared yet.
/// </summary>
internal sealed record ReplicaSetSnapshot
{
    public required string SetKey { get; init; }
    public int Desired { get; init; }
    public bool Declared { get; init; }

    /// <summary>True while the set's replicas are being stopped and the set forgotten.</summary>
    public bool Removing { get; init; }
    public string? Version { get; init; }
    public string? TemplateHash { get; init; }
    public IReadOnlyList<ReplicaSnapshot> Replicas { get; init; } = [];
    public int ReadyCount { get; init; }

    public static ReplicaSetSnapshot Empty(string setKey) => new() { SetKey = setKey };
}
