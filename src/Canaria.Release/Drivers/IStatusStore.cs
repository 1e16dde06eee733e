using Canaria.Core.Engine;

namespace Canaria.Release.Drivers;

/// <summary>Where a platform keeps a rollout's status: the local SQLite store, or the Rollout's /status subresource.</summary>
internal interface IStatusStore
{
    /// <summary>Stores the decided status; a conflict or a failure is a result, never an exception.</summary>
    ValueTask<StoreResult> StoreAsync(StatusRecord record, CancellationToken cancellationToken);
}

/// <summary>What is stored: the engine's decision, the replicas the platform will run, and the command just applied (if any).</summary>
internal sealed record StatusRecord(Decision Decision, IReadOnlyDictionary<int, int> Replicas, string? CommandApplied);

internal enum StoreOutcome
{
    /// <summary>Written.</summary>
    Stored,

    /// <summary>The store already holds exactly this status; nothing was written.</summary>
    Unchanged,

    /// <summary>Someone else changed it since it was read (or the write was refused): the next pass starts from a fresh read.</summary>
    Conflict,

    /// <summary>The store cannot write now (a full disk, a locked database); the platform keeps the decision in memory.</summary>
    Failed,
}

internal sealed record StoreResult(StoreOutcome Outcome, string? Error = null)
{
    public static readonly StoreResult Stored = new(StoreOutcome.Stored);
    public static readonly StoreResult Unchanged = new(StoreOutcome.Unchanged);
}
