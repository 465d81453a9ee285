namespace Gateway.Policy.Rules;

/// <summary>DNS name syntax (LDH labels, underscores tolerated), optionally with a leading <c>*.</c> wildcard label.</summary>
internal static class DnsName
{
    /// <summary>Strips one trailing root dot.</summary>
    public static ReadOnlySpan<char> Normalize(string name) =>
        name.Length > 1 && name[^1] == '.' ? name.AsSpan(0, name.Length - 1) : name.AsSpan();

    public static bool IsWildcard(ReadOnlySpan<char> name) => name.Length > 2 && name[0] == '*' && name[1] == '.';

    public static bool IsValid(ReadOnlySpan<char> name, bool allowWildcard)
    {
        if (allowWildcard && IsWildcard(name))
        {
            name = name[2..];
        }

        if (name.Length is 0 or > 253)
        {
            return false;
        }

        var labelStart = 0;
        for (var i = 0; i <= name.Length; i++)
        {
            if (i < name.Length && name[i] != '.')
            {
                var c = name[i];
                if (!(char.IsAsciiLetterOrDigit(c) || c == '-' || c == '_'))
                {
                    return false;
                }

                continue;
            }

            var label = name[labelStart..i];
            if (label.Length is 0 or > 63 || label[0] == '-' || label[^1] == '-')
            {
                return false;
            }

            labelStart = i + 1;
        }

        return true;
    }
}
