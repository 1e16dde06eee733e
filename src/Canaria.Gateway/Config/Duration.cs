using System.Globalization;

namespace Canaria.Gateway.Config;

/// <summary>Kubernetes-style durations: <c>250ms</c>, <c>5s</c>, <c>1m</c>, <c>1h</c>, <c>1m30s</c>, or <c>hh:mm:ss</c>.</summary>
internal static class Duration
{
    /// <summary>The longest duration a config takes (a year); longer ones are refused rather than overflowing clock arithmetic.</summary>
    public static readonly TimeSpan Max = TimeSpan.FromDays(365);

    /// <summary><see cref="Max"/> as written in messages.</summary>
    public const string MaxText = "8760h";

    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var s = text.Trim();
        if (s.Contains(':', StringComparison.Ordinal))
        {
            return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out value) && value >= TimeSpan.Zero && value <= Max;
        }

        double totalMs = 0;
        var i = 0;
        while (i < s.Length)
        {
            var start = i;
            while (i < s.Length && (char.IsAsciiDigit(s[i]) || s[i] == '.'))
            {
                i++;
            }

            if (start == i || !double.TryParse(s.AsSpan(start, i - start), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                return false;
            }

            var unitStart = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            double? unitMs = s[unitStart..i] switch
            {
                "ms" => 1,
                "s" => 1000,
                "m" => 60_000,
                "h" => 3_600_000,
                _ => null,
            };
            if (unitMs is null)
            {
                return false;
            }

            totalMs += number * unitMs.Value;
        }

        if (!(totalMs <= Max.TotalMilliseconds))
        {
            return false; // also infinity, from digits beyond double's range
        }

        value = TimeSpan.FromMilliseconds(totalMs);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        if (value.Ticks % TimeSpan.TicksPerSecond != 0)
        {
            return value.TotalMilliseconds.ToString("0.###", CultureInfo.InvariantCulture) + "ms";
        }

        return ((long)value.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s";
    }
}
