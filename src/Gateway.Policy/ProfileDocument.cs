using System.Text.RegularExpressions;

namespace Gateway.Policy;

/// <summary>
/// A document that defines exactly one profile of a given name, as the admin API and the profile store hold them.
/// Pure: no I/O.
/// </summary>
public static partial class ProfileDocument
{
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex NamePattern();

    /// <summary>Whether <paramref name="name"/> is a valid profile name (letters, digits, '.', '_', '-'; at most 64; starting with a letter or digit).</summary>
    public static bool IsValidName(string? name) => name is not null && NamePattern().IsMatch(name);

    /// <summary>
    /// Parses <paramref name="yaml"/> as the document of profile <paramref name="expectedName"/> (case-insensitive):
    /// every parser error, plus an error on <c>name</c> when the document defines another profile or more than one.
    /// </summary>
    public static ProfileParseResult Parse(string yaml, string expectedName, int version, string sourceName = "document", ProfileParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(expectedName);
        var result = ProfileParser.Parse(yaml, sourceName, version, options);
        if (!result.Success)
        {
            return result;
        }

        var errors = new List<PolicyError>();
        if (result.Profiles.Count > 1)
        {
            var second = result.Profiles[1].Name;
            errors.Add(new PolicyError(sourceName, NameLine(yaml, second), 1, "name",
                $"the document defines {result.Profiles.Count} profiles ({string.Join(", ", result.Profiles.Select(p => p.Name))}); a profile's document defines exactly one"));
        }

        var profile = result.Profiles[0];
        if (!string.Equals(profile.Name, expectedName, StringComparison.OrdinalIgnoreCase))
        {
            errors.Add(new PolicyError(sourceName, NameLine(yaml, profile.Name), NameColumn(yaml, profile.Name), "name",
                $"the document defines profile '{profile.Name}' but is stored as '{expectedName}': the names must match"));
        }

        if (errors.Count > 0)
        {
            errors.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
            return new ProfileParseResult([], errors);
        }

        return result;
    }

    /// <summary>Best-effort 1-based line of a profile's <c>name:</c> (the parser has already validated the document).</summary>
    internal static int NameLine(string yaml, string name) => Find(yaml, name).Line;

    private static int NameColumn(string yaml, string name) => Find(yaml, name).Column;

    private static (int Line, int Column) Find(string yaml, string name)
    {
        var line = 1;
        foreach (var text in yaml.AsSpan().EnumerateLines())
        {
            var trimmed = text.TrimStart(" -\t{");
            if (trimmed.StartsWith("name:") || trimmed.StartsWith("\"name\":"))
            {
                var value = trimmed[(trimmed.IndexOf(':') + 1)..].Trim().TrimEnd(',').Trim().Trim("'\"");
                if (value.SequenceEqual(name))
                {
                    return (line, text.Length - trimmed.Length + 1);
                }
            }

            line++;
        }

        return (1, 1);
    }
}
