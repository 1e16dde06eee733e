using Spectre.Console;

namespace Canaria.Cli.Rendering;

internal static class Output
{
    private static readonly IAnsiConsole Stderr = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });

    public static void Error(string message) => Stderr.MarkupLine($"[red]{Markup.Escape(message)}[/]");

    public static void Info(string message) => AnsiConsole.MarkupLine(Markup.Escape(message));
}
