using Canaria.Core.Engine;

namespace Canaria.Release.Loop;

/// <summary>A command a human gave that the next pass applies once.</summary>
/// <param name="Text">As the human wrote it (stored as "command applied" on Kubernetes, so an annotation is applied once).</param>
/// <param name="Command">The parsed command, or null when it could not be parsed.</param>
/// <param name="ParseError">Why it could not be parsed.</param>
/// <param name="Answered">The caller answers the human itself (the local API): a refusal is returned, not recorded as an event.</param>
internal sealed record PendingCommand(string Text, RolloutCommand? Command, string? ParseError = null, bool Answered = false)
{
    public static PendingCommand Of(RolloutCommand command) =>
        new(command.Kind.ToString().ToLowerInvariant(), command, Answered: true);

    /// <summary>
    /// A command kept on the rollout itself (a Kubernetes annotation) is pending until the stored status says it was
    /// applied: the same text is applied once, however often the rollout is reconciled; a new text is applied again.
    /// </summary>
    public static PendingCommand? Unapplied(string? text, string? applied, Func<string, (RolloutCommand? Command, string? Error)> parse)
    {
        if (text is not { Length: > 0 } || text == applied) return null;
        var (command, error) = parse(text);
        return new PendingCommand(text, command, error);
    }
}
