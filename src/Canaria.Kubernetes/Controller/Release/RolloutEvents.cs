using Canaria.Core.Engine;
using Canaria.Release.Drivers;
using Microsoft.Extensions.Logging;

namespace Canaria.Kubernetes.Controller.Release;

/// <summary>A Rollout's history: logged, and written as core/v1 Events on the Rollout.</summary>
internal sealed class RolloutEvents(KubeRelease r, EventRecorder recorder, ILogger logger) : IEventSink
{
    public async ValueTask RecordAsync(RolloutEvent e, RolloutStatus status, CancellationToken cancellationToken)
    {
        ControllerLog.Event(logger, r.Namespace, r.Name, e.Reason, e.Message);
        await recorder.RecordAsync(r.Rollout, e, cancellationToken).ConfigureAwait(false);
    }
}
