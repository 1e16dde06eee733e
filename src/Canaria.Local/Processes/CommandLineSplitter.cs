using System.Text;

namespace Canaria.Local.Processes;

/// <summary>
/// Splits a command line into words like a POSIX shell does for a simple command: blanks separate words,
/// 'single quotes' keep everything literally, "double quotes" allow \" \\ \$ \` escapes, a backslash outside
/// quotes escapes the next character. There is no expansion: variables, globs and operators (| ; &amp; &lt; &gt;)
/// are rejected with an error that says how to run a real shell instead.
/// </summary>
internal static class CommandLineSplitter
{
    private const string ShellHint = "; to use a shell, write: sh -c '...'";

    public static CommandLineSplitResult Split(string? commandLine)
    {
        if (string.IsNullOrWhiteSpace(commandLine))
            return CommandLineSplitResult.Fail("the command is empty");
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            switch (c)
            {
                case ' ' or '\t' or '\n' or '\r':
                    if (inWord)
                        words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    break;
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                        return CommandLineSplitResult.Fail($"unterminated single quote at position {i + 1}");
                    word.Append(commandLine, i + 1, close - i - 1);
                    inWord = true;
                    i = close;
                    break;
                case '"':
                    var end = ReadDoubleQuoted(commandLine, i, word);
                    if (end < 0)
                        return CommandLineSplitResult.Fail($"unterminated double quote at position {i + 1}");
                    inWord = true;
                    i = end;
                    break;
                case '\\':
                    if (i + 1 >= commandLine.Length)
                        return CommandLineSplitResult.Fail("the command ends with a lone backslash");
                    word.Append(commandLine[++i]);
                    inWord = true;
                    break;
                case '|' or ';' or '&' or '<' or '>' or '`':
                    return CommandLineSplitResult.Fail($"shell operator '{c}' at position {i + 1} is not supported{ShellHint}");
                case '$':
                    return CommandLineSplitResult.Fail(
                        $"'$' at position {i + 1}: variables are not expanded (use the placeholders {{port}}, {{version}}, {{replica}}, {{instance}}, quote a literal '$'{ShellHint})");
                default:
                    word.Append(c);
                    inWord = true;
                    break;
            }
        }
        if (inWord)
            words.Add(word.ToString());
        if (words.Count == 0 || words[0].Length == 0)
            return CommandLineSplitResult.Fail("the command has no program name");
        return new CommandLineSplitResult(words[0], words.Skip(1).ToArray(), null);
    }

    /// <summary>Appends the content of the double-quoted string opening at <paramref name="start"/>; returns the closing index or -1.</summary>
    private static int ReadDoubleQuoted(string text, int start, StringBuilder word)
    {
        for (var i = start + 1; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '"')
                return i;
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '"' or '\\' or '$' or '`')
            {
                word.Append(text[++i]);
                continue;
            }
            word.Append(c);
        }
        return -1;
    }
}
