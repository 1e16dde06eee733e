using System.Diagnostics;

namespace Canaria.Local.Processes;

/// <summary>
/// Mutable run-time state of one replica slot; it survives restarts (its process changes). Only touched under
/// the supervisor's lock, except <see cref="StopTask"/> which runs on its own.
/// </summary>
internal sealed class Replica(int index, string templateHash, string logPath)
{
    public int Index { get; } = index;
    public string TemplateHash { get; set; } = templateHash;
    public string? ReadinessPath { get; set; }
    public bool ReadinessHttp2 { get; set; }
    public string Version { get; set; } = "";
    public string LogPath { get; } = logPath;

    /// <summary>Our own child (exit code available); null for adopted processes.</summary>
    public Process? Process { get; set; }
    public int Pid { get; set; }
    public ulong StartTime { get; set; }
    public int Port { get; set; }
    public bool Adopted { get; set; }

    /// <summary>True once replaced by a replica of a newer template; it is stopped when the replacement is Ready.</summary>
    public bool Outgoing { get; set; }
    public ReplicaState State { get; set; } = ReplicaState.Starting;
    public int Restarts { get; set; }
    public int CrashStreak { get; set; }
    public int? LastExitCode { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? ReadySince { get; set; }
    public DateTimeOffset NextRestartAt { get; set; }
    public DateTimeOffset NextProbeAt { get; set; }
    public int ConsecutiveFailures { get; set; }
    public bool ProbeInFlight { get; set; }

    /// <summary>Bumped at every launch, so a probe result for an earlier process is ignored.</summary>
    public long Incarnation { get; set; }
    public Task? StopTask { get; set; }

    public bool HasProcess => Pid > 0;

    public bool IsRunningState => State is ReplicaState.Starting or ReplicaState.Ready or ReplicaState.Unready;

    /// <summary>True when the process ended (own child: reaped; adopted: gone from /proc or pid reused).</summary>
    public bool ProcessHasExited()
    {
        if (Process is { } process)
            return process.HasExited;
        return !UnixProcess.IsAlive(Pid, StartTime);
    }

    /// <summary>Forgets the process after it ended, keeping its exit code when we know it.</summary>
    public void ClearProcess()
    {
        if (Process is { } process)
        {
            LastExitCode = process.HasExited ? process.ExitCode : LastExitCode;
            process.Dispose();
        }
        else
        {
            LastExitCode = null;
        }
        Process = null;
        Pid = 0;
        StartTime = 0;
        ProbeInFlight = false;
        ReadySince = null;
        ConsecutiveFailures = 0;
    }

    public ReplicaRecord ToRecord(string setKey) => new()
    {
        SetKey = setKey,
        Index = Index,
        Pid = Pid,
        ProcessStartTime = StartTime,
        Port = Port,
        TemplateHash = TemplateHash,
        Version = Version,
        ReadinessPath = ReadinessPath,
        ReadinessHttp2 = ReadinessHttp2,
        LogPath = LogPath,
        StartedAt = StartedAt ?? default,
        Restarts = Restarts,
        Outgoing = Outgoing,
    };

    public ReplicaSnapshot ToSnapshot() => new()
    {
        Index = Index,
        Pid = HasProcess ? Pid : null,
        Port = Port,
        Url = HasProcess ? $"http://127.0.0.1:{Port}" : "",
        State = State,
        Restarts = Restarts,
        LastExitCode = LastExitCode,
        LogPath = LogPath,
        TemplateHash = TemplateHash,
        Outgoing = Outgoing,
        Adopted = Adopted,
        StartedAt = StartedAt,
        NextRestartAt = State == ReplicaState.BackingOff ? NextRestartAt : null,
        LastError = LastError,
    };
}
