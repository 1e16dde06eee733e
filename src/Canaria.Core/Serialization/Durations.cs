using System.Globalization;
using System.Text.RegularExpressions;

namespace Canaria.Core.Serialization;

/// <summary>Durations as users write them: 500ms, 30s, 5m, 1h30m, or a bare number of seconds.</summary>
internal static partial class Durations
{
    [GeneratedRegex(@"^(?:(\d+(?:\.\d+)?)(ms|s|m|h))+$")]
    private static partial Regex Whole();

    [GeneratedRegex(@"(\d+(?:\.\d+)?)(ms|s|m|h)")]
    private static partial Regex Part();

    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        text = text.Trim();
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            if (seconds < 0 || double.IsNaN(seconds) || seconds > 1e9) return false;
            value = TimeSpan.FromSeconds(seconds);
            return true;
        }
        if (!Whole().IsMatch(text)) return false;
        foreach (Match m in Part().Matches(text))
        {
            var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
            value += m.Groups[2].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                _ => TimeSpan.FromHours(n),
            };
        }
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value.TotalMilliseconds < 1000 && value.TotalMilliseconds % 1 == 0 && value != TimeSpan.Zero)
            return $"{value.TotalMilliseconds:0}ms";
        if (value.TotalSeconds % 3600 == 0 && value.TotalSeconds > 0) return $"{value.TotalHours:0}h";
        if (value.TotalSeconds % 60 == 0 && value.TotalSeconds > 0) return $"{value.TotalMinutes:0}m";
        return string.Create(CultureInfo.InvariantCulture, $"{value.TotalSeconds:0.###}s");
    }
}
