namespace Canaria.Analysis.Webhooks;

/// <summary>The JSON body every webhook gets (Flagger's fields plus the step and the event's reason).</summary>
internal sealed record WebhookPayload
{
    public required string Name { get; init; }
    public string? Namespace { get; init; }
    public required string Type { get; init; }
    public required string Phase { get; init; }
    public int? Revision { get; init; }
    public int Step { get; init; }
    public string? Reason { get; init; }
    public string? Message { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
}
