using Spectre.Console;

namespace Canaria.Cli.Rendering;

internal static class Output
{
    private static readonly IAnsiConsole Stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    /// <summary>An error on stderr: red on a terminal; one unwrapped plain line when redirected, so scripts can match it.</summary>
    public static void Error(string message)
    {
        if (!Terminal.StyledErrors(Environment.GetEnvironmentVariable)) Console.Error.WriteLine(message);
        else Stderr.MarkupLine($"[red]{Markup.Escape(message)}[/]");
    }

    public static void Info(string message) => AnsiConsole.MarkupLine(Markup.Escape(message));
}
