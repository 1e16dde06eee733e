namespace Canaria.Core.Serialization;

/// <summary>Reads enum-like fields written in camelCase (e.g. `mannWhitney`), reporting unknown names with the allowed ones.</summary>
internal static class Enums
{
    public static T Read<T>(MapReader m, string key, T fallback)
        where T : struct, Enum
    {
        var names = Enum.GetNames<T>().Select(Camel).ToArray();
        var name = ReadName(m, key, names);
        return name is null ? fallback : Enum.Parse<T>(name, ignoreCase: true);
    }

    public static string? ReadName(MapReader m, string key, IReadOnlyList<string> allowed)
    {
        var text = m.String(key);
        if (text is null) return null;
        if (allowed.Contains(text, StringComparer.Ordinal)) return text;
        m.Error(m.Field(key), m.Raw(key)!, $"'{text}' is not one of {string.Join(", ", allowed)}");
        return null;
    }

    public static string Camel<T>(T value)
        where T : struct, Enum => Camel(value.ToString());

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];
}
