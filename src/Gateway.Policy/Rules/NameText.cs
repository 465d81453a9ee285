namespace Gateway.Policy.Rules;

/// <summary>Character checks shared by subject and subjectAltName rules.</summary>
internal static class NameText
{
    /// <summary>The index of the first control character (C0 U+0000–U+001F, DEL U+007F, C1 U+0080–U+009F), or -1.</summary>
    public static int IndexOfControl(ReadOnlySpan<char> value)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (char.IsControl(value[i]))
            {
                return i;
            }
        }

        return -1;
    }

    /// <summary>Whether every character is printable ASCII other than space (U+0021–U+007E), as IA5 names in certificates must be here.</summary>
    public static bool IsVisibleAscii(ReadOnlySpan<char> value)
    {
        foreach (var c in value)
        {
            if (c is < '!' or > '~')
            {
                return false;
            }
        }

        return true;
    }
}
