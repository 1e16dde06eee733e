namespace Canaria.Local.Processes;

/// <summary>Tuning of <see cref="ReplicaSupervisor"/>; the defaults suit the controller.</summary>
internal sealed record ReplicaSupervisorOptions
{
    /// <summary>
    /// When true, <see cref="ReplicaSupervisor.DisposeAsync"/> stops only the supervisor's loop and leaves the replicas
    /// running (with their records) for the next supervisor to adopt. When false (default) disposing stops them all.
    /// </summary>
    public bool LeaveRunningOnDispose { get; init; }

    /// <summary>How often the loop converges when nothing wakes it.</summary>
    public TimeSpan TickInterval { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Probe period while a replica is Starting (capped by the template's period), so readiness is seen quickly.</summary>
    public TimeSpan StartingProbePeriod { get; init; } = TimeSpan.FromMilliseconds(250);

    public int UnreadyAfterFailures { get; init; } = 3;
    public TimeSpan BackoffInitial { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan BackoffMax { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A replica Ready this long has its crash streak (and so its back-off) reset.</summary>
    public TimeSpan BackoffResetAfter { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>A replica log above this size is rotated to <c>.log.1</c> when the replica (re)starts.</summary>
    public long MaxLogBytes { get; init; } = 10 * 1024 * 1024;

    /// <summary>Start replicas in their own session (setsid) so a terminal's Ctrl+C reaches only the controller.</summary>
    public bool NewSession { get; init; } = true;

    /// <summary>Probe settings for adopted replicas whose set is not declared yet.</summary>
    public TimeSpan DefaultReadinessPeriod { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan DefaultReadinessTimeout { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan DefaultGracePeriod { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Back-off before restart number <paramref name="crashStreak"/>+1: initial·2^streak, capped.</summary>
    public TimeSpan BackoffFor(int crashStreak)
    {
        var factor = Math.Pow(2, Math.Min(crashStreak, 30));
        var delay = BackoffInitial.TotalMilliseconds * factor;
        return TimeSpan.FromMilliseconds(Math.Min(delay, BackoffMax.TotalMilliseconds));
    }
}
