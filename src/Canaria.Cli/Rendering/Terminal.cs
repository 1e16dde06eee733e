using Spectre.Console;

namespace Canaria.Cli.Rendering;

/// <summary>
/// How output looks, decided once at start: styled and as wide as the terminal on a terminal; plain (no escape
/// sequence of any kind) when stdout is not a terminal, NO_COLOR is set or TERM=dumb; and at most
/// <see cref="PipeWidth"/> columns (or $COLUMNS) when stdout is not a terminal, so a file or a pipe gets readable lines.
/// </summary>
internal static class Terminal
{
    public const int PipeWidth = 100;

    /// <summary>True when nothing may be styled: set by <see cref="Configure"/>.</summary>
    public static bool Plain { get; private set; }

    /// <summary>The width output must fit when stdout is not a terminal; null on a terminal (its own width).</summary>
    public static int? Width { get; private set; }

    public static void Configure(Func<string, string?> environment)
    {
        Plain = Console.IsOutputRedirected || !string.IsNullOrEmpty(environment("NO_COLOR")) || environment("TERM") == "dumb";
        var profile = AnsiConsole.Profile;
        if (Plain)
        {
            profile.Capabilities.Ansi = false;
            profile.Capabilities.ColorSystem = ColorSystem.NoColors;
            profile.Capabilities.Links = false;
        }
        if (Console.IsOutputRedirected)
        {
            profile.Capabilities.Interactive = false;
            Width = int.TryParse(environment("COLUMNS"), out var columns) && columns > 0 ? columns : PipeWidth;
            profile.Width = Width.Value;
        }
    }

    /// <summary>True when stderr may be styled: a terminal, and no NO_COLOR or TERM=dumb.</summary>
    public static bool StyledErrors(Func<string, string?> environment) =>
        !Console.IsErrorRedirected && string.IsNullOrEmpty(environment("NO_COLOR")) && environment("TERM") != "dumb";
}
