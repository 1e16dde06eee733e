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
            var seconds = reader.GetDouble();
            if (seconds >= 0 && seconds <= Duration.Max.TotalSeconds)
            {
                return TimeSpan.FromSeconds(seconds);
            }

            throw new JsonException($"{seconds} seconds is not a duration between 0 and {Duration.MaxText}");
        }

        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        if (Duration.TryParse(text, out var value))
        {
            return value;
        }

        throw new JsonException($"'{Shorten(text)}' is not a duration of at most {Duration.MaxText} (examples: 250ms, 5s, 1m)");
    }

    private static string? Shorten(string? text) => text is { Length: > 80 } ? string.Concat(text.AsSpan(0, 77), "...") : text;

    public override void Write(Utf8JsonWriter writer, TimeSpan value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Duration.Format(value));
}
