using System.Text.Json;
using System.Text.Json.Serialization;

namespace Canaria.Gateway.Config;

/// <summary>The one JSON shape of <see cref="GatewayConfig"/>: camelCase, durations as strings, unknown fields rejected.</summary>
internal static class GatewayConfigJson
{
    public static JsonSerializerOptions Options { get; } = Create(indented: false);

    public static JsonSerializerOptions Indented { get; } = Create(indented: true);

    public static string Serialize(GatewayConfig config, bool indented = false) =>
        JsonSerializer.Serialize(config, indented ? Indented : Options);

    private static JsonSerializerOptions Create(bool indented)
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            WriteIndented = indented,
            UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            ReadCommentHandling = JsonCommentHandling.Skip,
            AllowTrailingCommas = true,
            NumberHandling = JsonNumberHandling.Strict,
        };
        options.Converters.Add(new DurationJsonConverter());
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
