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

    /// <summary>
    /// The longest duration any field takes: a year. Longer ones are refused, not wrapped or thrown on: a deadline
    /// thousands of years ahead would overflow the clock arithmetic of the release loop.
    /// </summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(365);

    public static bool TryParse(string text, out TimeSpan value) => TryParse(text, out value, out _);

    /// <param name="tooLong">The text is a duration, but longer than <see cref="Max"/>.</param>
    public static bool TryParse(string text, out TimeSpan value, out bool tooLong)
    {
        value = TimeSpan.Zero;
        tooLong = false;
        text = text.Trim();
        double seconds;
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var bare))
        {
            if (bare < 0 || double.IsNaN(bare)) return false;
            seconds = bare;
        }
        else
        {
            if (!Whole().IsMatch(text)) return false;
            seconds = 0;
            foreach (Match m in Part().Matches(text))
            {
                var n = double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture);
                seconds += n * m.Groups[2].Value switch
                {
                    "ms" => 0.001,
                    "s" => 1,
                    "m" => 60,
                    _ => 3600,
                };
            }
        }
        if (!(seconds <= Max.TotalSeconds)) // also infinity, from digits beyond double's range
        {
            tooLong = true;
            return false;
        }
        value = TimeSpan.FromSeconds(seconds);
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
