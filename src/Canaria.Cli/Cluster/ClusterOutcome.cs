using Canaria.Cli.Rendering;
using Spectre.Console;

namespace Canaria.Cli.Cluster;

/// <summary>
/// What an operation on a cluster came to: the exit code and the sentence for the user. The CLI prints it; the dashboard
/// shows the same sentence, so both say the same thing about the same write.
/// </summary>
/// <param name="Forbidden">The Kubernetes API refused the request (403: RBAC), as opposed to the controller refusing the operation.</param>
internal sealed record ClusterOutcome(int ExitCode, string Message, bool Forbidden = false)
{
    public bool Ok => ExitCode == ExitCodes.Ok;

    public static ClusterOutcome Done(string message) => new(ExitCodes.Ok, message);

    public static ClusterOutcome Failed(int exitCode, string message) => new(exitCode, message);

    /// <summary>Prints the outcome (success green on stdout, failure on stderr) and returns its exit code.</summary>
    public int Print()
    {
        if (Ok) AnsiConsole.MarkupLine($"[green]{Markup.Escape(Message)}[/]");
        else Output.Error(Message);
        return ExitCode;
    }
}
