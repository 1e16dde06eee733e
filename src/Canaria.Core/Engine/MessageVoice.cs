namespace Canaria.Core.Engine;

/// <summary>
/// How a platform's messages name what applies a split and the command a human runs: the controller cannot know which CLI
/// a user types, so each platform names its own form, the same in every message (status, events, `get`).
/// </summary>
internal sealed record MessageVoice
{
    /// <summary>The local platform: Canaria's gateway applies every split; commands are `canaria VERB NAME`.</summary>
    public static MessageVoice Local(string rollout) => new() { Rollout = rollout };

    /// <summary>Kubernetes: routers (or, without one, the ratio of ready pods); commands in the kubectl plugin's form.</summary>
    /// <param name="confirmedBy">"the router", "Service web's selector", or null without either (the ratio of ready pods).</param>
    public static MessageVoice Kubernetes(string rollout, string ns, string? confirmedBy) =>
        new() { Rollout = rollout, Namespace = ns, CommandPrefix = "kubectl canaria", ConfirmedBy = confirmedBy };

    /// <summary>The rollout's name, or null when unknown (then commands are named without it).</summary>
    public string? Rollout { get; init; }

    /// <summary>Added as `-n NS` to commands on a cluster.</summary>
    public string? Namespace { get; init; }

    public string CommandPrefix { get; init; } = "canaria";

    /// <summary>What reads a split back ("the gateway", "the router"); null when no router applies one (the split follows ready pods).</summary>
    public string? ConfirmedBy { get; init; } = "the gateway";

    /// <summary>True when the split is the ratio of ready pods (Kubernetes without a router).</summary>
    public bool ReplicaRatio => ConfirmedBy is null;

    /// <summary>"`kubectl canaria promote web -n shop`" — a command a human can paste.</summary>
    public string Command(string verb) =>
        $"`{CommandPrefix} {verb}{(Rollout is null ? "" : " " + Rollout)}{(Namespace is null ? "" : " -n " + Namespace)}`";
}
