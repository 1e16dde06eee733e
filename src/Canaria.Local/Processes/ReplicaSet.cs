namespace Canaria.Local.Processes;

/// <summary>Mutable state of one replica set; only touched under the supervisor's lock.</summary>
internal sealed class ReplicaSet(string key)
{
    public string Key { get; } = key;

    /// <summary>Null until the controller declares the set (adopted sets start undeclared).</summary>
    public ReplicaTemplate? Template { get; set; }
    public string? TemplateHash { get; set; }
    public int Desired { get; set; }
    public bool Removing { get; set; }
    public bool Declared => Template is not null;

    /// <summary>Current replicas by index.</summary>
    public SortedDictionary<int, Replica> Replicas { get; } = [];

    /// <summary>Replicas of an older template kept serving until their replacement is Ready.</summary>
    public List<Replica> Outgoing { get; } = [];

    public IEnumerable<Replica> All => Replicas.Values.Concat(Outgoing);

    public ReplicaSetSnapshot ToSnapshot()
    {
        var replicas = Replicas.Values.Select(r => r.ToSnapshot())
            .Concat(Outgoing.Select(r => r.ToSnapshot()))
            .OrderBy(r => r.Index).ThenBy(r => r.Outgoing)
            .ToArray();
        return new ReplicaSetSnapshot
        {
            SetKey = Key,
            Desired = Removing ? 0 : Desired,
            Declared = Declared && !Removing,
            Removing = Removing,
            Version = Template?.Version,
            TemplateHash = TemplateHash,
            Replicas = replicas,
            ReadyCount = Replicas.Values.Count(r => r.State == ReplicaState.Ready && r.TemplateHash == TemplateHash),
        };
    }
}
