namespace Canaria.Core.Engine;

internal enum GateOutcome
{
    /// <summary>The hook answered 2xx.</summary>
    Open,

    /// <summary>The hook answered, but not 2xx: hold and ask again.</summary>
    Closed,

    /// <summary>No answer within timeout × (retries + 1): pause for a human.</summary>
    NoAnswer,
}

/// <summary>A gate the engine waits for: the shell calls the webhook and reports a GateResult with the same key.</summary>
internal sealed record GateCall(string Webhook, string Key, int StepIndex);

/// <summary>What a gate webhook answered; Detail never carries secrets (status code, error kind).</summary>
internal sealed record GateResult(string Webhook, string Key, GateOutcome Outcome, string Detail, DateTimeOffset At);
