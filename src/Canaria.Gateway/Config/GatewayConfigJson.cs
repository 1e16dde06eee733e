using System.Text.Json;
using System.Text.Json.Serialization;

namespace Canaria.Gateway.Config;

/// <summary>The one JSON shape of <see cref="GatewayConfig"/>: camelCase, durations as strings, unknown fields rejected.</summary>
internal static class GatewayConfigJson
{
    /// <summary>Reads and writes configs (compact).</summary>
    public static GatewayJsonContext Compact { get; } = Create(indented: false);

    /// <summary>Configs and admin replies for people (indented).</summary>
    public static GatewayJsonContext Indented { get; } = Create(indented: true);

    public static string Serialize(GatewayConfig config, bool indented = false) =>
        JsonSerializer.Serialize(config, (indented ? Indented : Compact).GatewayConfig);

    private static GatewayJsonContext Create(bool indented)
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
        options.Converters.Add(new JsonStringEnumConverter<ListenerProtocols>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<UpstreamProtocol>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        options.Converters.Add(new JsonStringEnumConverter<BalancingPolicy>(JsonNamingPolicy.CamelCase, allowIntegerValues: false));
        return new GatewayJsonContext(options);
    }
}
