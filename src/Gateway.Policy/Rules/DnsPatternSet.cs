namespace Gateway.Policy.Rules;

/// <summary>
/// Compiled DNS patterns: <c>exact.name</c>, <c>*.suffix</c> (any name under suffix, at any depth, not the suffix itself)
/// and <c>*</c> (every name). Case-insensitive; lookups allocate nothing.
/// </summary>
internal sealed class DnsPatternSet
{
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _exact;
    private readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> _suffixes;
    private readonly Dictionary<string, string>.AlternateLookup<ReadOnlySpan<char>> _exactByParent;
    private readonly bool _matchAll;

    public DnsPatternSet(IEnumerable<string> patterns)
    {
        var exactSet = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var suffixSet = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var parents = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var pattern in patterns)
        {
            Count++;
            if (pattern == "*")
            {
                _matchAll = true;
            }
            else if (pattern.StartsWith("*.", StringComparison.Ordinal))
            {
                suffixSet.Add(pattern[1..]);
            }
            else
            {
                var name = pattern.TrimEnd('.');
                exactSet.Add(name);
                var dot = name.IndexOf('.');
                if (dot > 0)
                {
                    parents.TryAdd(name[(dot + 1)..], name);
                }
            }
        }

        _exact = exactSet.GetAlternateLookup<ReadOnlySpan<char>>();
        _suffixes = suffixSet.GetAlternateLookup<ReadOnlySpan<char>>();
        _exactByParent = parents.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    public static DnsPatternSet Empty { get; } = new([]);

    public int Count { get; }

    /// <summary>Checks a pattern's syntax; null when fine, else the problem.</summary>
    public static string? Validate(string pattern)
    {
        if (pattern == "*")
        {
            return null;
        }

        if (pattern.StartsWith("*.", StringComparison.Ordinal))
        {
            return DnsName.IsValid(pattern.AsSpan(2), allowWildcard: false)
                ? null
                : $"'{pattern}' is not a valid DNS pattern: after '*.' must come a DNS name without further wildcards";
        }

        return DnsName.IsValid(pattern.AsSpan().TrimEnd('.'), allowWildcard: false)
            ? null
            : $"'{pattern}' is not a valid DNS pattern: use exact.name, *.suffix or *";
    }

    /// <summary>The pattern the name matches (taken literally: a wildcard name <c>*.a.test</c> is under <c>a.test</c>), or null.</summary>
    public string? Match(ReadOnlySpan<char> name)
    {
        if (_matchAll)
        {
            return "*";
        }

        if (_exact.TryGetValue(name, out var hit))
        {
            return hit;
        }

        for (var i = 1; i < name.Length; i++)
        {
            if (name[i] == '.' && _suffixes.TryGetValue(name[i..], out var suffix))
            {
                return "*" + suffix;
            }
        }

        return null;
    }

    /// <summary>
    /// Like <see cref="Match"/>, but a wildcard name also matches an exact pattern it would cover
    /// (<c>*.a.test</c> covers <c>x.a.test</c>): used for deny lists.
    /// </summary>
    public string? MatchCovering(ReadOnlySpan<char> name)
    {
        var hit = Match(name);
        if (hit is null && DnsName.IsWildcard(name) && _exactByParent.TryGetValue(name[2..], out var covered))
        {
            hit = covered;
        }

        return hit;
    }
}
