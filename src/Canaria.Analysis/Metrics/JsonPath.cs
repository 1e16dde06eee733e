using System.Globalization;
using System.Text.Json;

namespace Canaria.Analysis.Metrics;

/// <summary>The JSON path subset a metric endpoint needs: $.a.b, $.a[0].b, $['a b']. Returns a number, or why there is none.</summary>
internal static class JsonPath
{
    public static (double? Value, string? Problem) Read(JsonElement root, string path)
    {
        var current = root;
        var i = 1; // after '$'
        while (i < path.Length)
        {
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                if (end < 0) end = path.Length;
                if (!Step(ref current, path[(i + 1)..end])) return (null, $"{path[..end]} is missing");
                i = end;
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0) return (null, $"'{path}' is not a valid path");
                var inner = path[(i + 1)..end].Trim();
                var ok = inner.StartsWith('\'') ? Step(ref current, inner.Trim('\'')) : Index(ref current, inner);
                if (!ok) return (null, $"{path[..(end + 1)]} is missing");
                i = end + 1;
            }
            else
            {
                return (null, $"'{path}' is not a valid path");
            }
        }

        return current.ValueKind switch
        {
            JsonValueKind.Number => (current.GetDouble(), null),
            JsonValueKind.String when double.TryParse(current.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var v) => (v, null),
            JsonValueKind.Null => (null, $"{path} is null"),
            _ => (null, $"{path} is not a number"),
        };
    }

    private static bool Step(ref JsonElement current, string name)
    {
        if (current.ValueKind != JsonValueKind.Object || !current.TryGetProperty(name, out var next)) return false;
        current = next;
        return true;
    }

    private static bool Index(ref JsonElement current, string text)
    {
        if (current.ValueKind != JsonValueKind.Array || !int.TryParse(text, CultureInfo.InvariantCulture, out var index) || index < 0 || index >= current.GetArrayLength()) return false;
        current = current[index];
        return true;
    }
}
