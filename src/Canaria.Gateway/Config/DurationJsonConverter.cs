using System.Text.Json;
using System.Text.Json.Serialization;

namespace Canaria.Gateway.Config;

/// <summary>Reads and writes <see cref="TimeSpan"/> as a Kubernetes-style duration string (<c>5s</c>).</summary>
internal sealed class DurationJsonConverter : JsonConverter<TimeSpan>
{
    public override TimeSpan Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            return TimeSpan.FromSeconds(reader.GetDouble());
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (Duration.TryParse(text, out var value))
        {
            return value;
        }

        throw new JsonException($"'{text}' is not a duration (examples: 250ms, 5s, 1m)");
    }

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Duration.Format(value));
}
