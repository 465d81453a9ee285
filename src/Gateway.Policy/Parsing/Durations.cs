using System.Globalization;

namespace Gateway.Policy.Parsing;

/// <summary>Durations as written in profiles: one or more <c>&lt;number&gt;&lt;unit&gt;</c> with units s, m, h, d, w, y (365 days), e.g. <c>90d</c>, <c>1h30m</c>.</summary>
internal static class Durations
{
    public static bool TryParse(string text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        long seconds = 0;
        var i = 0;
        while (i < text.Length)
        {
            var start = i;
            while (i < text.Length && char.IsAsciiDigit(text[i]))
            {
                i++;
            }

            if (i == start || i == text.Length || i - start > 9)
            {
                return false;
            }

            var number = long.Parse(text.AsSpan(start, i - start), NumberStyles.None, CultureInfo.InvariantCulture);
            long unit = text[i] switch
            {
                's' => 1,
                'm' => 60,
                'h' => 3600,
                'd' => 86400,
                'w' => 7 * 86400,
                'y' => 365 * 86400,
                _ => -1,
            };
            if (unit < 0)
            {
                return false;
            }

            seconds += number * unit;
            if (seconds > 100L * 365 * 86400)
            {
                return false;
            }

            i++;
        }

        value = TimeSpan.FromSeconds(seconds);
        return true;
    }

    public static string Format(TimeSpan value)
    {
        var seconds = (long)value.TotalSeconds;
        const long day = 86400;
        return seconds == 0 ? "0s"
            : seconds % (365 * day) == 0 ? $"{seconds / (365 * day)}y"
            : seconds % day == 0 ? $"{seconds / day}d"
            : seconds % 3600 == 0 ? $"{seconds / 3600}h"
            : seconds % 60 == 0 ? $"{seconds / 60}m"
            : $"{seconds}s";
    }

    public static string Format(DateTimeOffset value) => value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
