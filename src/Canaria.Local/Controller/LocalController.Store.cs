using RolloutEvent = Canaria.Core.Engine.RolloutEvent;
using Canaria.Local.State;

namespace Canaria.Local.Controller;

/// <summary>Writes to the state store from the loop, and what happens when the store cannot write.</summary>
internal sealed partial class LocalController
{
    private const int MaxPendingEvents = 1000;

    /// <summary>Saves spec and status; while the store fails, tries at most once a second (see <see cref="StoreHealth"/>).</summary>
    private SaveRolloutResult TrySave(ManagedRollout r, string specText, string statusJson)
    {
        if (!_health.ShouldTry()) return new SaveRolloutResult(SaveRolloutOutcome.Failed, null, _health.Failure);
        var saved = _store.SaveRollout(r.Name, specText, statusJson, r.RowVersion);
        if (saved.IsFailed) _health.Failed(saved.Error!);
        else _health.Succeeded();
        return saved;
    }

    /// <summary>Appends an event to the history; while the store fails, keeps it (up to 1000) to append when it works.</summary>
    private void RecordEvent(string rollout, RolloutEvent e, int? stepIndex, int? revision)
    {
        var pending = new PendingEvent(rollout, e, stepIndex, revision);
        if (_pendingEvents.Count > 0 || !_health.ShouldTry() || !TryAppend(pending))
        {
            if (_pendingEvents.Count >= MaxPendingEvents) _pendingEvents.Dequeue();
            _pendingEvents.Enqueue(pending);
        }
    }

    private void FlushPendingEvents()
    {
        while (_pendingEvents.Count > 0 && _health.ShouldTry() && TryAppend(_pendingEvents.Peek()))
            _pendingEvents.Dequeue();
    }

    private bool TryAppend(PendingEvent p)
    {
        try
        {
            _store.AppendEvent(p.Rollout, p.Event.At, p.Event.Type.ToString(), p.Event.Reason, p.Event.Message, p.StepIndex, p.Revision);
            _health.Succeeded();
            return true;
        }
        catch (Exception ex) when (StoreFailures.IsStoreFailure(ex))
        {
            _health.Failed(StoreFailures.Describe(ex, _store.DatabasePath));
            return false;
        }
    }

    private sealed record PendingEvent(string Rollout, RolloutEvent Event, int? StepIndex, int? Revision);
}
