using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Canaria.Kubernetes.Tests.Deploy;

/// <summary>
/// NOT helm (there is no helm binary here, and Debian packages none): a renderer for exactly the template subset
/// deploy/helm/canaria uses — <c>{{ .Values.a.b }}</c>, <c>{{ .Release.Namespace }}</c>, <c>{{ .Release.Name }}</c>,
/// <c>{{ if .Values.x }}</c> … <c>{{ end }}</c>, <c>{{ toYaml .Values.x | indent N }}</c> (or <c>nindent</c>), with
/// Go's <c>{{-</c> / <c>-}}</c> whitespace trimming. Anything else in a template, or a value path that does not exist,
/// is an error, so the chart cannot drift past it unnoticed. toYaml writes what helm's does as YAML, though not in
/// helm's layout: a list is one "- " line per item and a map one "key: " line per entry, each value in flow style
/// (JSON with spaces), which reads back to the same objects.
/// </summary>
internal static partial class ChartRenderer
{
    [GeneratedRegex(@"\{\{(-?)\s*(.*?)\s*(-?)\}\}", RegexOptions.Singleline)]
    private static partial Regex Action();

    [GeneratedRegex(@"^toYaml\s+(\S+)\s*\|\s*(n?indent)\s+(\d+)$")]
    private static partial Regex ToYaml();

    public static string Render(string template, JsonObject values, string releaseName, string releaseNamespace)
    {
        var output = new StringBuilder();
        var emitting = new Stack<bool>();
        var position = 0;
        var trimNext = false;
        foreach (Match m in Action().Matches(template))
        {
            var text = template[position..m.Index];
            if (trimNext) text = text.TrimStart();
            if (m.Groups[1].Value == "-") text = text.TrimEnd();
            if (emitting.All(e => e)) output.Append(text);
            position = m.Index + m.Length;
            trimNext = m.Groups[3].Value == "-";
            var action = m.Groups[2].Value;
            if (action.StartsWith("if ", StringComparison.Ordinal))
                emitting.Push(Truthy(Lookup(action[3..].Trim(), values, releaseName, releaseNamespace)));
            else if (action == "end")
            {
                if (!emitting.TryPop(out _)) throw new FormatException($"{{{{ end }}}} without {{{{ if }}}} at offset {m.Index}");
            }
            else if (ToYaml().Match(action) is { Success: true } y)
            {
                if (emitting.All(e => e))
                    output.Append(Indent(Block(Lookup(y.Groups[1].Value, values, releaseName, releaseNamespace)), int.Parse(y.Groups[3].Value, System.Globalization.CultureInfo.InvariantCulture), y.Groups[2].Value == "nindent"));
            }
            else if (emitting.All(e => e))
                output.Append(Print(Lookup(action, values, releaseName, releaseNamespace) ?? throw new FormatException($"{action} has no value")));
        }
        if (emitting.Count > 0) throw new FormatException("{{ if }} without {{ end }}");
        var rest = template[position..];
        output.Append(trimNext ? rest.TrimStart() : rest);
        return output.ToString();
    }

    private static JsonNode? Lookup(string path, JsonObject values, string releaseName, string releaseNamespace)
    {
        if (path == ".Release.Namespace") return releaseNamespace;
        if (path == ".Release.Name") return releaseName;
        if (!path.StartsWith(".Values.", StringComparison.Ordinal)) throw new FormatException($"unsupported template action: {path}");
        JsonNode? node = values;
        foreach (var part in path[".Values.".Length..].Split('.'))
        {
            if (node is not JsonObject o || !o.TryGetPropertyValue(part, out node)) throw new FormatException($"{path}: no such value");
        }
        return node;
    }

    private static bool Truthy(JsonNode? node) => node switch
    {
        null => false,
        JsonObject o => o.Count > 0,
        JsonArray a => a.Count > 0,
        JsonValue v when v.TryGetValue<bool>(out var b) => b,
        JsonValue v when v.TryGetValue<string>(out var s) => s.Length > 0,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString() != "0",
        _ => true,
    };

    private static string Block(JsonNode? node) => node switch
    {
        JsonArray a => string.Join('\n', a.Select(item => "- " + Flow(item))),
        JsonObject o => string.Join('\n', o.Select(p => $"{JsonSerializer.Serialize(p.Key)}: {Flow(p.Value)}")),
        _ => Flow(node),
    };

    private static string Flow(JsonNode? node) => node switch
    {
        null => "null",
        JsonArray a => "[" + string.Join(", ", a.Select(Flow)) + "]",
        JsonObject o => "{" + string.Join(", ", o.Select(p => $"{JsonSerializer.Serialize(p.Key)}: {Flow(p.Value)}")) + "}",
        _ => node.ToJsonString(),
    };

    private static string Indent(string text, int spaces, bool newlineFirst)
    {
        var pad = new string(' ', spaces);
        return (newlineFirst ? "\n" : "") + string.Join('\n', text.Split('\n').Select(line => pad + line));
    }

    private static string Print(JsonNode node) => node switch
    {
        JsonValue v when v.TryGetValue<string>(out var s) => s,
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "true" : "false",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => throw new FormatException($"cannot print {node.ToJsonString()} without toYaml (not in the supported subset)"),
    };
}
