namespace Gateway.Policy.Rules;

/// <summary>
/// Compiled e-mail patterns <c>local@domain</c>: local is <c>*</c> or an exact local part, domain is an exact name,
/// <c>*.suffix</c> or <c>*</c>. Case-insensitive.
/// </summary>
internal sealed class EmailPatternSet
{
    private readonly Entry[] _entries;

    public EmailPatternSet(IEnumerable<string> patterns)
    {
        var list = new List<Entry>();
        foreach (var pattern in patterns)
        {
            var at = pattern.LastIndexOf('@');
            var local = pattern[..at];
            var domain = pattern[(at + 1)..];
            list.Add(new Entry(
                pattern,
                local == "*" ? null : local,
                domain == "*" ? DomainKind.Any : domain.StartsWith("*.", StringComparison.Ordinal) ? DomainKind.Suffix : DomainKind.Exact,
                domain.StartsWith("*.", StringComparison.Ordinal) ? domain[1..] : domain));
        }

        _entries = [.. list];
    }

    public static EmailPatternSet Empty { get; } = new([]);

    public int Count => _entries.Length;

    public static string? Validate(string pattern)
    {
        var at = pattern.LastIndexOf('@');
        if (at <= 0 || at == pattern.Length - 1 || pattern.IndexOf('@') != at)
        {
            return $"'{pattern}' is not an e-mail pattern: use local@domain, *@domain, *@*.suffix or *@*";
        }

        var local = pattern.AsSpan(0, at);
        var domain = pattern.AsSpan(at + 1);
        if (local is not "*" && (local.Contains('*') || local.ContainsAny(" \t\r\n")))
        {
            return $"'{pattern}' is not an e-mail pattern: the local part must be '*' or an exact local part";
        }

        if (domain is "*")
        {
            return null;
        }

        var name = domain.StartsWith("*.") ? domain[2..] : domain;
        return DnsName.IsValid(name, allowWildcard: false)
            ? null
            : $"'{pattern}' is not an e-mail pattern: the domain must be an exact name, *.suffix or *";
    }

    /// <summary>Splits and checks an e-mail address; false when it is not one.</summary>
    public static bool TrySplit(string address, out ReadOnlySpan<char> local, out ReadOnlySpan<char> domain)
    {
        var at = address.IndexOf('@');
        local = at > 0 ? address.AsSpan(0, at) : [];
        domain = at > 0 ? address.AsSpan(at + 1) : [];
        return at > 0 && address.IndexOf('@', at + 1) < 0 && NameText.IsVisibleAscii(local) && DnsName.IsValid(domain, allowWildcard: false);
    }

    public string? Match(ReadOnlySpan<char> local, ReadOnlySpan<char> domain)
    {
        foreach (var entry in _entries)
        {
            if (entry.Local is not null && !local.Equals(entry.Local, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var hit = entry.Kind switch
            {
                DomainKind.Any => true,
                DomainKind.Exact => domain.Equals(entry.Domain, StringComparison.OrdinalIgnoreCase),
                _ => domain.Length > entry.Domain.Length && domain.EndsWith(entry.Domain, StringComparison.OrdinalIgnoreCase),
            };
            if (hit)
            {
                return entry.Pattern;
            }
        }

        return null;
    }

    private enum DomainKind
    {
        Exact,
        Suffix,
        Any,
    }

    private sealed record Entry(string Pattern, string? Local, DomainKind Kind, string Domain);
}
