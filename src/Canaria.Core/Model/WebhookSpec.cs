namespace Canaria.Core.Model;

internal enum WebhookType
{
    /// <summary>Gate before the canary gets its first traffic.</summary>
    PreRollout,

    /// <summary>Gate before every step that raises the canary's traffic.</summary>
    PreTrafficIncrease,

    /// <summary>Gate before the full promotion.</summary>
    PrePromotion,

    /// <summary>Notification when the rollout aborts.</summary>
    Rollback,

    /// <summary>Notification on every event.</summary>
    Event,
}

/// <summary>An HTTP hook in Flagger's model: gates open on 2xx and hold otherwise; notifications are fire-and-forget.</summary>
internal sealed record WebhookSpec
{
    public string Name { get; init; } = "";
    public WebhookType Type { get; init; }
    public string Url { get; init; } = "";
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Extra attempts after a failed one (timeout, connection error, 5xx).</summary>
    public int Retries { get; init; } = 2;

    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();

    public bool IsGate => Type is WebhookType.PreRollout or WebhookType.PreTrafficIncrease or WebhookType.PrePromotion;
}
