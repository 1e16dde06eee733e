using System.Text.Json;
using System.Text.Json.Nodes;
using Canaria.YamlGuards;
using YamlDotNet.Core;

namespace Canaria.Gateway.Config;

/// <summary>Parses YAML or JSON text into a <see cref="GatewayConfig"/>; parse errors are results naming the line and field.</summary>
internal static class GatewayConfigLoader
{
    public static ConfigLoadResult Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.TrimStart();
        return trimmed.StartsWith('{') ? ParseJson(text) : ParseYaml(text);
    }

    public static async Task<ConfigLoadResult> LoadFileAsync(string path, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            text = await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Fail("file", $"cannot read '{path}': {e.Message}");
        }

        return Parse(text);
    }

    public static ConfigLoadResult ParseJson(string json)
    {
        try
        {
            var config = JsonSerializer.Deserialize(json, GatewayConfigJson.Compact.GatewayConfig);
            return config is null ? Fail("$", "the document is empty") : new ConfigLoadResult(config, []);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1})" : "";
            return Fail(FieldOf(e.Path), Clean(e.Message) + where);
        }
    }

    public static ConfigLoadResult ParseYaml(string yaml)
    {
        if (YamlLimits.Check(yaml) is { } tooLarge)
        {
            return Fail("$", tooLarge);
        }

        var lines = new Dictionary<string, int>(StringComparer.Ordinal);
        JsonNode? node;
        try
        {
            node = YamlToJson.Convert(yaml, lines);
        }
        catch (YamlException e)
        {
            return Fail($"line {e.Start.Line}", e.InnerException?.Message ?? e.Message);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException)
        {
            return Fail("$", $"is not valid YAML: {e.Message}"); // YamlDotNet's own failure on odd text
        }

        if (node is null)
        {
            return Fail("$", "the document is empty");
        }

        try
        {
            var config = node.Deserialize(GatewayConfigJson.Compact.GatewayConfig);
            return config is null ? Fail("$", "the document is empty") : new ConfigLoadResult(config, []);
        }
        catch (JsonException e)
        {
            var path = e.Path ?? "$";
            var where = LineOf(path, lines) is { } line ? $" (line {line})" : "";
            return Fail(FieldOf(path), Clean(e.Message) + where);
        }
    }

    private static int? LineOf(string path, Dictionary<string, int> lines)
    {
        for (var p = path; p.Length > 0; p = p[..Math.Max(0, p.LastIndexOfAny(['.', '[']))])
        {
            if (lines.TryGetValue(p, out var line))
            {
                return line;
            }
        }

        return null;
    }

    private static string FieldOf(string? jsonPath) =>
        string.IsNullOrEmpty(jsonPath) || jsonPath == "$" ? "$" : jsonPath.TrimStart('$').TrimStart('.');

    private static string Clean(string message)
    {
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return cut > 0 ? message[..cut] : message;
    }

    private static ConfigLoadResult Fail(string field, string message) => new(null, [new ConfigError(field, message)]);
}
