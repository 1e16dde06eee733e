using System.Globalization;
using Canaria.Core.Engine;

namespace Canaria.Kubernetes.Resources;

/// <summary>
/// The operations API on Kubernetes: the annotation <c>canaria.dev/command</c> on the Rollout, e.g.
/// <c>kubectl annotate rollout myapp canaria.dev/command="promote $(date +%s)" --overwrite</c>. The first word is the
/// operation (promote, promote-full, pause, resume, abort, retry, jump N); the rest makes the value unique. The
/// controller applies a value once and records it in status.commandApplied, so repeating an operation needs a new value.
/// </summary>
public static class RolloutCommandAnnotation
{
    public const string Name = "canaria.dev/command";

    internal static RolloutCommand? Parse(string value, out string? error)
    {
        error = null;
        var words = value.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var verb = words.Length > 0 ? words[0].ToLowerInvariant() : "";
        switch (verb)
        {
            case "promote": return new RolloutCommand(CommandKind.Promote);
            case "promote-full": return new RolloutCommand(CommandKind.PromoteFull);
            case "pause": return new RolloutCommand(CommandKind.Pause);
            case "resume": return new RolloutCommand(CommandKind.Resume);
            case "abort": return new RolloutCommand(CommandKind.Abort);
            case "retry": return new RolloutCommand(CommandKind.Retry);
            case "jump" when words.Length > 1 && int.TryParse(words[1], NumberStyles.Integer, CultureInfo.InvariantCulture, out var step):
                return new RolloutCommand(CommandKind.Jump, step - 1);
            default:
                error = $"'{value}' is not an operation (promote, promote-full, pause, resume, abort, retry, jump N)";
                return null;
        }
    }
}
