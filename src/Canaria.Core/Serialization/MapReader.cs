using System.Globalization;
using Canaria.Core.Validation;
using YamlDotNet.RepresentationModel;

namespace Canaria.Core.Serialization;

/// <summary>
/// Reads one YAML mapping field by field, recording every problem with its field path and line
/// instead of stopping at the first. Fields it was never asked about are reported as unknown.
/// </summary>
internal sealed class MapReader
{
    private readonly YamlMappingNode? _node;
    private readonly List<FieldError> _errors;
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);

    public MapReader(YamlNode? node, string path, List<FieldError> errors)
    {
        Path = path;
        _errors = errors;
        if (node is YamlMappingNode map) _node = map;
        else if (node is not null && !IsNull(node)) Error(path.Length == 0 ? "(document)" : path, node, "must be a mapping (key: value)");
    }

    public string Path { get; }
    public bool Present => _node is not null;

    public string Field(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    public bool Has(string key) => Raw(key) is { } n && !IsNull(n);

    public YamlNode? Raw(string key)
    {
        _seen.Add(key);
        if (_node is null) return null;
        foreach (var (k, v) in _node.Children)
            if (k is YamlScalarNode s && s.Value == key) return v;
        return null;
    }

    public string? String(string key, bool required = false)
    {
        var node = Raw(key);
        if (node is null || IsNull(node))
        {
            if (required) _errors.Add(new FieldError(Field(key), "is required"));
            return null;
        }
        if (node is YamlScalarNode s) return s.Value;
        Error(Field(key), node, "must be a string");
        return null;
    }

    public int? Int(string key)
    {
        var text = Scalar(key);
        if (text is null) return null;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
        Error(Field(key), Raw(key)!, $"'{Shorten(text)}' is not a whole number");
        return null;
    }

    /// <summary>A percentage written as 10, "10" or "10%".</summary>
    public int? Percent(string key)
    {
        var text = Scalar(key);
        if (text is null) return null;
        var trimmed = text.EndsWith('%') ? text[..^1] : text;
        if (int.TryParse(trimmed, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) return v;
        Error(Field(key), Raw(key)!, $"'{Shorten(text)}' is not a percentage (write 10 or \"10%\")");
        return null;
    }

    public double? Double(string key)
    {
        var text = Scalar(key);
        if (text is null) return null;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v)) return v;
        Error(Field(key), Raw(key)!, $"'{Shorten(text)}' is not a number");
        return null;
    }

    public bool? Bool(string key)
    {
        var text = Scalar(key);
        if (text is null) return null;
        if (bool.TryParse(text, out var v)) return v;
        Error(Field(key), Raw(key)!, $"'{Shorten(text)}' is not true or false");
        return null;
    }

    public TimeSpan? Duration(string key)
    {
        var text = Scalar(key);
        if (text is null) return null;
        if (Durations.TryParse(text, out var v, out var tooLong)) return v;
        Error(Field(key), Raw(key)!, tooLong
            ? $"'{Shorten(text)}' is longer than the longest duration allowed ({Durations.Format(Durations.Max)})"
            : $"'{Shorten(text)}' is not a duration (write 500ms, 30s, 5m or 1h)");
        return null;
    }

    public MapReader Map(string key) => new(Raw(key), Field(key), _errors);

    public IReadOnlyList<MapReader> Maps(string key)
    {
        var node = Raw(key);
        if (node is null || IsNull(node)) return [];
        if (node is not YamlSequenceNode seq)
        {
            Error(Field(key), node, "must be a list");
            return [];
        }
        return seq.Children.Select((n, i) => new MapReader(n, $"{Field(key)}[{i}]", _errors)).ToList();
    }

    public IReadOnlyList<string> Strings(string key)
    {
        var node = Raw(key);
        if (node is null || IsNull(node)) return [];
        if (node is YamlSequenceNode seq && seq.Children.All(c => c is YamlScalarNode))
            return seq.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
        Error(Field(key), node, "must be a list of strings");
        return [];
    }

    public IReadOnlyDictionary<string, string> StringMap(string key)
    {
        var node = Raw(key);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (node is null || IsNull(node)) return result;
        if (node is not YamlMappingNode map)
        {
            Error(Field(key), node, "must be a mapping of names to strings");
            return result;
        }
        foreach (var (k, v) in map.Children)
        {
            if (k is YamlScalarNode ks && v is YamlScalarNode vs) result[ks.Value ?? ""] = vs.Value ?? "";
            else Error($"{Field(key)}.{(k as YamlScalarNode)?.Value}", v, "must be a string");
        }
        return result;
    }

    /// <summary>Reports every key of the mapping that no reader method asked for.</summary>
    public void RejectUnknown()
    {
        if (_node is null) return;
        foreach (var (k, _) in _node.Children)
        {
            var name = (k as YamlScalarNode)?.Value ?? "?";
            if (!_seen.Contains(name)) Error(Field(name), k, "is not a known field");
        }
    }

    public void Error(string field, YamlNode node, string message) =>
        _errors.Add(new FieldError(field, $"{message} (line {node.Start.Line})"));

    private string? Scalar(string key)
    {
        var node = Raw(key);
        if (node is null || IsNull(node)) return null;
        if (node is YamlScalarNode s) return s.Value;
        Error(Field(key), node, "must be a single value");
        return null;
    }

    /// <summary>A value as echoed in a message: at most 80 characters.</summary>
    public static string Shorten(string text) => text.Length <= 80 ? text : string.Concat(text.AsSpan(0, 77), "...");

    private static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain } s && (s.Value is null or "" or "~" or "null");
}
