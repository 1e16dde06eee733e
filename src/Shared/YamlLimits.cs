using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace Canaria.YamlGuards;

/// <summary>
/// Limits checked on a YAML (or JSON) text before it is loaded into a tree, which YamlDotNet builds recursively:
/// nesting depth (200 KB of '[' would otherwise overflow the stack and end the process) and the number of values
/// with every alias counted as often as it is used (so "billion laughs" documents cannot make a reader walk or copy
/// them exponentially). Reads the text as a stream of events, without recursion. Compiled into Canaria.Core and
/// Canaria.Gateway (linked source file), which do not reference each other.
/// </summary>
internal static class YamlLimits
{
    public const int MaxDepth = 64;
    public const long MaxValues = 100_000;

    /// <summary>
    /// The first limit the text breaks, as a message naming its line; null when it keeps them all, or when it has a
    /// syntax error YamlDotNet reports as such (loading it then reports that error with its line, and can go no deeper
    /// than this check has already seen). A failure of YamlDotNet's own scanner on malformed text (it throws
    /// InvalidOperationException on some documents cut off inside a flow mapping) is returned as a message here.
    /// </summary>
    public static string? Check(string text)
    {
        var parser = new Parser(new StringReader(text));
        var open = new Stack<(string? Anchor, long ValuesBefore)>();
        var anchored = new Dictionary<string, long>(StringComparer.Ordinal);
        long values = 0;
        try
        {
            while (parser.MoveNext())
            {
                switch (parser.Current)
                {
                    case DocumentStart:
                        anchored.Clear(); // anchors belong to one document
                        break;
                    case NodeEvent { } node and (MappingStart or SequenceStart):
                        if (open.Count >= MaxDepth)
                            return $"nests mappings and lists deeper than {MaxDepth} levels (line {node.Start.Line})";
                        var anchor = node.Anchor.IsEmpty ? null : node.Anchor.Value;
                        if (anchor is not null) anchored.Remove(anchor); // an alias inside it would refer to itself
                        open.Push((anchor, values));
                        values++;
                        break;
                    case MappingEnd or SequenceEnd when open.Count > 0:
                        var (name, before) = open.Pop();
                        if (name is not null) anchored[name] = values - before;
                        break;
                    case Scalar scalar:
                        values++;
                        if (!scalar.Anchor.IsEmpty) anchored[scalar.Anchor.Value] = 1;
                        break;
                    case AnchorAlias alias:
                        if (!anchored.TryGetValue(alias.Value.Value, out var size))
                            return $"the alias *{alias.Value.Value} does not refer to a complete node before it (line {alias.Start.Line})";
                        values += size;
                        break;
                }
                if (values > MaxValues)
                    return $"has more than {MaxValues} values, counting each use of an alias (line {parser.Current!.Start.Line})";
            }
        }
        catch (YamlException)
        {
            return null;
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            var line = parser.Current?.End.Line ?? 1;
            return $"is not valid YAML: it cannot be read after line {line} (look for an unclosed '{{' or '[', or a stray indicator)";
        }
        return null;
    }
}
