namespace Canaria.Local.Processes;

/// <summary>The convergence step: one pass over every set, under the lock.</summary>
internal sealed partial class ReplicaSupervisor
{
    private void Converge(DateTimeOffset now)
    {
        foreach (var set in _sets.Values.ToArray())
        {
            ConvergeSet(set, now);
            if ((set.Removing || !set.Declared) && set.Replicas.Count == 0 && set.Outgoing.Count == 0)
                _sets.Remove(set.Key);
        }
        Publish();
    }

    private void ConvergeSet(ReplicaSet set, DateTimeOffset now)
    {
        ObserveExits(set, now);

        if (set.Removing || !set.Declared)
        {
            foreach (var replica in set.All.ToArray())
            {
                if (!replica.HasProcess)
                    Forget(set, replica);
                else if (set.Removing && replica.State != ReplicaState.Stopping)
                    BeginStop(set, replica);
            }
            StartDueProbes(set, now);
            return;
        }

        // Scale down: highest index first.
        foreach (var replica in set.All.Where(r => r.Index >= set.Desired).OrderByDescending(r => r.Index).ToArray())
        {
            if (!replica.HasProcess)
                Forget(set, replica);
            else if (replica.State != ReplicaState.Stopping)
                BeginStop(set, replica);
        }

        for (var index = 0; index < set.Desired; index++)
            ConvergeSlot(set, index, now);

        // Retire replaced replicas once their successor is Ready.
        foreach (var old in set.Outgoing.Where(r => r.State != ReplicaState.Stopping).ToArray())
        {
            var successorReady = set.Replicas.TryGetValue(old.Index, out var successor)
                && successor.State == ReplicaState.Ready && successor.TemplateHash == set.TemplateHash;
            if (!old.HasProcess)
                Forget(set, old);
            else if (successorReady)
                BeginStop(set, old);
        }

        StartDueProbes(set, now);
    }

    private void ConvergeSlot(ReplicaSet set, int index, DateTimeOffset now)
    {
        if (!set.Replicas.TryGetValue(index, out var replica))
        {
            replica = new Replica(index, set.TemplateHash!, _launcher.LogPathOf(set.Key, index));
            set.Replicas[index] = replica;
            Launch(set, replica, now);
            return;
        }
        if (replica.State == ReplicaState.Stopping)
            return; // a scale-down still in progress: the slot is filled again once it is gone

        if (replica.TemplateHash != set.TemplateHash)
        {
            if (!replica.HasProcess)
            {
                replica.CrashStreak = 0;
                Launch(set, replica, now);
            }
            else if (set.Outgoing.Count == 0)
            {
                // Rolling replacement, one slot at a time: start the new one, stop the old one when the new is Ready.
                replica.Outgoing = true;
                _records.Write(replica.ToRecord(set.Key));
                set.Outgoing.Add(replica);
                var successor = new Replica(index, set.TemplateHash!, replica.LogPath);
                set.Replicas[index] = successor;
                Launch(set, successor, now);
            }
            return;
        }

        if (replica.State == ReplicaState.BackingOff && now >= replica.NextRestartAt)
        {
            replica.Restarts++;
            Launch(set, replica, now);
        }
        else if (replica.State == ReplicaState.Ready && replica.ReadySince is { } since && now - since >= _options.BackoffResetAfter)
        {
            replica.CrashStreak = 0;
        }
    }

    /// <summary>Notices processes that ended on their own and stops that completed.</summary>
    private void ObserveExits(ReplicaSet set, DateTimeOffset now)
    {
        foreach (var replica in set.All.ToArray())
        {
            if (replica.State == ReplicaState.Stopping)
            {
                if (replica.StopTask is { IsCompleted: true })
                {
                    replica.ClearProcess();
                    ReplicaSupervisorLog.ReplicaExited(_logger, set.Key, replica.Index, replica.LastExitCode);
                    DeleteRecord(set, replica);
                    Forget(set, replica);
                }
                continue;
            }
            if (replica.HasProcess && replica.ProcessHasExited())
                HandleExit(set, replica, now);
        }
    }

    private void HandleExit(ReplicaSet set, Replica replica, DateTimeOffset now)
    {
        var pid = replica.Pid;
        DeleteRecord(set, replica);
        replica.ClearProcess();
        replica.LastError = replica.LastExitCode switch
        {
            127 => "command not found (exit code 127); see the replica log",
            126 => "command not executable (exit code 126); see the replica log",
            _ => null,
        };
        var willRestart = set.Declared && !set.Removing && !replica.Outgoing && replica.Index < set.Desired;
        if (!willRestart)
        {
            replica.State = ReplicaState.Crashed;
            ReplicaSupervisorLog.ReplicaExited(_logger, set.Key, replica.Index, replica.LastExitCode);
            return;
        }
        var delay = _options.BackoffFor(replica.CrashStreak);
        replica.CrashStreak++;
        replica.NextRestartAt = now + delay;
        replica.State = ReplicaState.BackingOff;
        ReplicaSupervisorLog.ReplicaCrashed(_logger, set.Key, replica.Index, pid, replica.LastExitCode, delay);
    }

    private void Forget(ReplicaSet set, Replica replica)
    {
        if (replica.Outgoing)
            set.Outgoing.Remove(replica);
        else if (set.Replicas.TryGetValue(replica.Index, out var current) && current == replica)
            set.Replicas.Remove(replica.Index);
    }

    private void DeleteRecord(ReplicaSet set, Replica replica)
    {
        try
        {
            _records.Delete(set.Key, replica.Index, replica.Outgoing);
        }
        catch (IOException)
        {
            // the record is cleaned up at the next adoption
        }
    }
}
