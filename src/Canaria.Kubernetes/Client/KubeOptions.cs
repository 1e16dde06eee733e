namespace Canaria.Kubernetes.Client;

/// <summary>Options of a list call (and of the list half of a watch).</summary>
public sealed record ListOptions
{
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    public int? Limit { get; init; }
    public string? Continue { get; init; }
    public string? ResourceVersion { get; init; }
}

/// <summary>Options of a watch call.</summary>
public sealed record WatchOptions
{
    public string? ResourceVersion { get; init; }
    public string? LabelSelector { get; init; }
    public string? FieldSelector { get; init; }
    public bool AllowWatchBookmarks { get; init; } = true;
    /// <summary>The server closes the watch after this long; the watcher then reconnects.</summary>
    public int? TimeoutSeconds { get; init; }
}

public enum PropagationPolicy { Background, Foreground, Orphan }

public sealed record DeleteOptions
{
    public PropagationPolicy? PropagationPolicy { get; init; }
    public long? GracePeriodSeconds { get; init; }
    /// <summary>Delete only if the object still has this uid.</summary>
    public string? PreconditionUid { get; init; }
}

public enum PatchType { Merge, Json, StrategicMerge, Apply }
