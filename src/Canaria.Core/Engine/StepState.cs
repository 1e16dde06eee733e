namespace Canaria.Core.Engine;

/// <summary>Where the current step is; stored in status so a restarted controller resumes without touching traffic.</summary>
internal enum StepState
{
    /// <summary>Scaling the canary to the step's replicas and waiting for them to be ready.</summary>
    Upgrading,

    /// <summary>Applying the step's traffic and waiting until the router reports it applied.</summary>
    RoutingTraffic,

    /// <summary>Waiting for passing analysis measurements taken at this step.</summary>
    Analyzing,

    /// <summary>Holding for the step's pause (a duration, or a human's promote).</summary>
    Paused,

    /// <summary>The step is done; the next reconcile moves to the next step.</summary>
    Ready,

    /// <summary>The new revision serves all traffic and became stable.</summary>
    Completed,

    /// <summary>Sending traffic back to stable, then scaling the canary down.</summary>
    Aborting,

    /// <summary>Stable serves all traffic again; the canary is gone.</summary>
    Aborted,
}
