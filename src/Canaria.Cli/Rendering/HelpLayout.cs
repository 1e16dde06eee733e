using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.Text.RegularExpressions;

namespace Canaria.Cli.Rendering;

/// <summary>
/// `--help` as the commands are used: the command list writes an optional argument as `[&lt;name&gt;]`, as each
/// command's own usage line does, and help fits <see cref="Terminal.PipeWidth"/> columns when stdout is not a terminal.
/// </summary>
internal static class HelpLayout
{
    public static void Configure(RootCommand root, int? width)
    {
        if (root.Options.OfType<HelpOption>().SingleOrDefault() is not { Action: HelpAction help } option) return;
        if (width is { } columns) help.MaxWidth = columns;
        var labels = root.Subcommands.Where(c => c.Arguments.Any(a => !a.Hidden && a.Arity.MinimumNumberOfValues == 0))
            .ToDictionary(c => Label(c, optionalInBrackets: false), c => Label(c, optionalInBrackets: true), StringComparer.Ordinal);
        option.Action = new WriteHelp(help, labels);
    }

    /// <summary>`get [&lt;name&gt;]`, `jump &lt;name&gt; &lt;step&gt;`: the command and its arguments.</summary>
    public static string Label(Command command, bool optionalInBrackets) =>
        string.Join(' ', command.Arguments.Where(a => !a.Hidden).Select(a =>
            optionalInBrackets && a.Arity.MinimumNumberOfValues == 0 ? $"[<{a.HelpName ?? a.Name}>]" : $"<{a.HelpName ?? a.Name}>").Prepend(command.Name));

    /// <summary>The library's help, with the command list's labels of optional arguments bracketed (same column width).</summary>
    private sealed class WriteHelp(HelpAction help, IReadOnlyDictionary<string, string> labels) : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            var configuration = parseResult.InvocationConfiguration;
            var output = configuration.Output;
            using var buffer = new StringWriter();
            configuration.Output = buffer;
            int code;
            try
            {
                code = help.Invoke(parseResult);
            }
            finally
            {
                configuration.Output = output;
            }
            var text = buffer.ToString();
            foreach (var (plain, bracketed) in labels)
                text = Regex.Replace(text, $"(?m)^  {Regex.Escape(plain)}  {new string(' ', bracketed.Length - plain.Length)}", $"  {bracketed}  ");
            output.Write(text);
            return code;
        }
    }
}
