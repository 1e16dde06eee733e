using System.ComponentModel;

namespace Canaria.Local.Processes;

/// <summary>Launching, probing, stopping and adopting replica processes.</summary>
internal sealed partial class ReplicaSupervisor
{
    private static readonly TimeSpan ExitPollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan KillWait = TimeSpan.FromSeconds(5);

    private void Launch(ReplicaSet set, Replica replica, DateTimeOffset now)
    {
        var template = set.Template!;
        try
        {
            var inUse = _sets.Values.SelectMany(s => s.All).Where(r => r.HasProcess).Select(r => r.Port).ToHashSet();
            var port = _ports.Allocate(inUse);
            var process = _launcher.Launch(template, set.Key, replica.Index, port);
            replica.Process = process;
            replica.Pid = process.Id;
            replica.StartTime = UnixProcess.ReadStartTime(process.Id) ?? 0;
            replica.Port = port;
            replica.Adopted = false;
            replica.State = ReplicaState.Starting;
            replica.StartedAt = now;
            replica.Incarnation++;
            replica.NextProbeAt = now;
            replica.ConsecutiveFailures = 0;
            replica.LastError = null;
            replica.TemplateHash = set.TemplateHash!;
            replica.ReadinessPath = template.ReadinessPath;
            replica.ReadinessHttp2 = template.ReadinessHttp2;
            replica.Version = template.Version;
            _records.Write(replica.ToRecord(set.Key));
            ReplicaSupervisorLog.ReplicaStarted(_logger, set.Key, replica.Index, replica.Pid, port);
        }
        catch (Exception ex) when (ex is Win32Exception or IOException or InvalidOperationException or UnauthorizedAccessException)
        {
            var delay = _options.BackoffFor(replica.CrashStreak);
            replica.CrashStreak++;
            replica.State = ReplicaState.BackingOff;
            replica.NextRestartAt = now + delay;
            replica.LastError = ex.Message;
            ReplicaSupervisorLog.LaunchFailed(_logger, set.Key, replica.Index, delay, ex);
        }
    }

    private void BeginStop(ReplicaSet set, Replica replica)
    {
        replica.State = ReplicaState.Stopping;
        var grace = set.Template?.GracePeriod ?? _options.DefaultGracePeriod;
        ReplicaSupervisorLog.ReplicaStopping(_logger, set.Key, replica.Index, replica.Pid);
        var process = replica.Process;
        var (pid, startTime) = (replica.Pid, replica.StartTime);
        bool Exited() => process is not null ? process.HasExited : !UnixProcess.IsAlive(pid, startTime);
        replica.StopTask = StopProcessAsync(pid, Exited, grace);
    }

    private async Task StopProcessAsync(int pid, Func<bool> exited, TimeSpan grace)
    {
        if (exited())
            return;
        UnixProcess.Signal(pid, UnixProcess.SigTerm);
        if (await WaitUntilAsync(exited, grace))
            return;
        ReplicaSupervisorLog.ReplicaKilled(_logger, pid, grace);
        UnixProcess.Signal(pid, UnixProcess.SigKill);
        await WaitUntilAsync(exited, KillWait);
    }

    private async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (!condition())
        {
            if (_time.GetUtcNow() >= deadline)
                return false;
            await Task.Delay(ExitPollInterval, _time, CancellationToken.None);
        }
        return true;
    }

    private void StartDueProbes(ReplicaSet set, DateTimeOffset now)
    {
        if (_loopCts.IsCancellationRequested)
            return;
        foreach (var replica in set.All)
        {
            if (!replica.HasProcess || !replica.IsRunningState || replica.ProbeInFlight || now < replica.NextProbeAt)
                continue;
            var period = set.Template?.ReadinessPeriod ?? _options.DefaultReadinessPeriod;
            if (replica.State == ReplicaState.Starting && _options.StartingProbePeriod < period)
                period = _options.StartingProbePeriod;
            var timeout = set.Template?.ReadinessTimeout ?? _options.DefaultReadinessTimeout;
            replica.ProbeInFlight = true;
            replica.NextProbeAt = now + period;
            _ = ProbeAsync(set.Key, replica, replica.Incarnation, timeout);
        }
    }

    private async Task ProbeAsync(string setKey, Replica replica, long incarnation, TimeSpan timeout)
    {
        var ok = await _prober.ProbeAsync(replica.Port, replica.ReadinessPath, replica.ReadinessHttp2, timeout, _loopCts.Token);
        lock (_gate)
        {
            if (replica.Incarnation != incarnation)
                return;
            replica.ProbeInFlight = false;
            if (!replica.IsRunningState || _loopCts.IsCancellationRequested)
                return;
            if (ok)
            {
                replica.ConsecutiveFailures = 0;
                if (replica.State == ReplicaState.Ready)
                    return;
                replica.State = ReplicaState.Ready;
                replica.ReadySince = _time.GetUtcNow();
                ReplicaSupervisorLog.ReplicaReady(_logger, setKey, replica.Index, replica.Pid);
            }
            else
            {
                replica.ConsecutiveFailures++;
                if (replica.State != ReplicaState.Ready || replica.ConsecutiveFailures < _options.UnreadyAfterFailures)
                    return;
                replica.State = ReplicaState.Unready;
                replica.ReadySince = null;
                ReplicaSupervisorLog.ReplicaUnready(_logger, setKey, replica.Index, replica.Pid, replica.ConsecutiveFailures);
            }
            Publish();
        }
    }

    /// <summary>Takes over live recorded replicas (same pid and start time); deletes records of dead ones.</summary>
    private void Adopt(DateTimeOffset now)
    {
        var (records, unreadable) = _records.ReadAll();
        foreach (var path in unreadable)
        {
            _records.DeleteFile(path);
            ReplicaSupervisorLog.StaleRecordRemoved(_logger, path);
        }
        foreach (var record in records.OrderBy(r => r.Outgoing))
        {
            if (!UnixProcess.IsAlive(record.Pid, record.ProcessStartTime))
            {
                var path = _records.PathOf(record.SetKey, record.Index, record.Outgoing);
                _records.DeleteFile(path);
                ReplicaSupervisorLog.StaleRecordRemoved(_logger, path);
                continue;
            }
            if (!_sets.TryGetValue(record.SetKey, out var set))
                _sets[record.SetKey] = set = new ReplicaSet(record.SetKey);
            var replica = new Replica(record.Index, record.TemplateHash, record.LogPath)
            {
                Pid = record.Pid,
                StartTime = record.ProcessStartTime,
                Port = record.Port,
                Adopted = true,
                State = ReplicaState.Starting,
                Restarts = record.Restarts,
                StartedAt = record.StartedAt,
                ReadinessPath = record.ReadinessPath,
                ReadinessHttp2 = record.ReadinessHttp2,
                Version = record.Version,
                NextProbeAt = now,
                Incarnation = 1,
            };
            if (record.Outgoing || set.Replicas.ContainsKey(record.Index))
            {
                replica.Outgoing = true;
                set.Outgoing.Add(replica);
            }
            else
            {
                set.Replicas[record.Index] = replica;
            }
            ReplicaSupervisorLog.ReplicaAdopted(_logger, set.Key, record.Index, record.Pid, record.Port);
        }
    }
}
