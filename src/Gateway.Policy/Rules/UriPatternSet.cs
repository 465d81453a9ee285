namespace Gateway.Policy.Rules;

/// <summary>Compiled URI globs: <c>*</c> matches any run of characters (including '/'); everything else literally, case-sensitive.</summary>
internal sealed class UriPatternSet
{
    private readonly (string Pattern, string[] Parts)[] _entries;

    public UriPatternSet(IEnumerable<string> patterns) =>
        _entries = patterns.Select(p => (p, p.Split('*'))).ToArray();

    public static UriPatternSet Empty { get; } = new([]);

    public int Count => _entries.Length;

    public static string? Validate(string pattern)
    {
        var colon = pattern.IndexOf(':');
        var star = pattern.IndexOf('*');
        if (colon <= 0 || (star >= 0 && star < colon) || pattern.AsSpan().ContainsAny(" \t\r\n"))
        {
            return $"'{pattern}' is not a URI pattern: it must start with a scheme (e.g. spiffe://example.test/*) and contain no spaces";
        }

        return null;
    }

    /// <summary>A URI value worth matching: a scheme, no whitespace, no dot segments that could climb out of a pattern's path.</summary>
    public static bool IsAcceptable(string value)
    {
        var colon = value.IndexOf(':');
        if (colon <= 0 || colon == value.Length - 1 || !NameText.IsVisibleAscii(value) || value.Contains('\\', StringComparison.Ordinal)
            || !Uri.TryCreate(value, UriKind.Absolute, out _))
        {
            return false;
        }

        return !value.Contains("/../", StringComparison.Ordinal) && !value.Contains("/./", StringComparison.Ordinal) &&
               !value.EndsWith("/..", StringComparison.Ordinal) && !value.EndsWith("/.", StringComparison.Ordinal);
    }

    public string? Match(string value)
    {
        foreach (var (pattern, parts) in _entries)
        {
            if (Glob(parts, value))
            {
                return pattern;
            }
        }

        return null;
    }

    private static bool Glob(string[] parts, ReadOnlySpan<char> value)
    {
        if (parts.Length == 1)
        {
            return value.SequenceEqual(parts[0]);
        }

        var first = parts[0];
        var last = parts[^1];
        if (value.Length < first.Length + last.Length || !value.StartsWith(first) || !value.EndsWith(last))
        {
            return false;
        }

        var middle = value[first.Length..^last.Length];
        for (var i = 1; i < parts.Length - 1; i++)
        {
            var index = middle.IndexOf(parts[i]);
            if (index < 0)
            {
                return false;
            }

            middle = middle[(index + parts[i].Length)..];
        }

        return true;
    }
}
