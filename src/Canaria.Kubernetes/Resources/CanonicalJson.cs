using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Canaria.Kubernetes.Resources;

/// <summary>JSON with object keys sorted, so two nodes with the same content compare equal as strings.</summary>
internal static class CanonicalJson
{
    public static string Of(JsonNode? node)
    {
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, node);
        }
        return Encoding.UTF8.GetString(buffer.ToArray());
    }

    /// <summary>
    /// A copy without null or empty-string properties. The test control plane's kube-apiserver (1.20 built with a
    /// newer Go) stores an empty string in a custom resource as null, which then fails type validation; an omitted
    /// field reads back as its default, so Canaria never writes either.
    /// </summary>
    public static JsonNode? Compact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject o:
                var copy = new JsonObject();
                foreach (var (k, v) in o)
                {
                    if (v is null || (v is JsonValue s && s.TryGetValue<string>(out var text) && text.Length == 0)) continue;
                    copy[k] = Compact(v);
                }
                return copy;
            case JsonArray a:
                return new JsonArray(a.Select(Compact).ToArray());
            default:
                return node?.DeepClone();
        }
    }

    private static void Write(Utf8JsonWriter w, JsonNode? node)
    {
        switch (node)
        {
            case null:
                w.WriteNullValue();
                break;
            case JsonObject o:
                w.WriteStartObject();
                foreach (var (k, v) in o.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    w.WritePropertyName(k);
                    Write(w, v);
                }
                w.WriteEndObject();
                break;
            case JsonArray a:
                w.WriteStartArray();
                foreach (var v in a) Write(w, v);
                w.WriteEndArray();
                break;
            default:
                node.WriteTo(w);
                break;
        }
    }
}
