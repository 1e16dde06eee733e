namespace Canaria.Local.Processes;

/// <summary>Life-cycle state of one replica as seen by the supervisor.</summary>
internal enum ReplicaState
{
    /// <summary>Process running, readiness probe not yet passed (also: freshly adopted).</summary>
    Starting,

    /// <summary>Last readiness probe passed.</summary>
    Ready,

    /// <summary>Was ready, then failed the readiness probe several times in a row.</summary>
    Unready,

    /// <summary>Exited unexpectedly and will not be restarted (its set is not declared, or is being removed).</summary>
    Crashed,

    /// <summary>Exited unexpectedly (or could not be launched); restarts when its back-off delay has passed.</summary>
    BackingOff,

    /// <summary>Being stopped: SIGTERM sent, SIGKILL after the grace period.</summary>
    Stopping,
}
