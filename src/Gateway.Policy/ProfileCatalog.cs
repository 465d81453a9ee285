namespace Gateway.Policy;

/// <summary>
/// A set of compiled profiles by name (case-insensitive). <see cref="LoadDirectory"/> is the only I/O in Gateway.Policy.
/// A source with any error contributes no profile; a name defined twice is an error and the first definition (by file name order) is kept.
/// </summary>
public sealed class ProfileCatalog
{
    private readonly Dictionary<string, CompiledProfile> byName;

    private ProfileCatalog(Dictionary<string, CompiledProfile> byName, IReadOnlyList<PolicyError> errors)
    {
        this.byName = byName;
        Errors = errors;
        Profiles = [.. byName.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Every profile, ordered by name.</summary>
    public IReadOnlyList<CompiledProfile> Profiles { get; }

    /// <summary>Every problem found while loading; empty when all sources were valid.</summary>
    public IReadOnlyList<PolicyError> Errors { get; }

    public bool Success => Errors.Count == 0;

    public static ProfileCatalog Empty { get; } = new(new Dictionary<string, CompiledProfile>(StringComparer.OrdinalIgnoreCase), []);

    public bool TryGet(string name, out CompiledProfile profile)
    {
        if (byName.TryGetValue(name, out var found))
        {
            profile = found;
            return true;
        }

        profile = null!;
        return false;
    }

    /// <summary>Loads every <c>*.yaml</c> and <c>*.yml</c> file directly in <paramref name="path"/> (not subdirectories), in ordinal file-name order.</summary>
    public static ProfileCatalog LoadDirectory(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path))
        {
            return new ProfileCatalog(new Dictionary<string, CompiledProfile>(StringComparer.OrdinalIgnoreCase), [new PolicyError(path, 1, 1, string.Empty, "the profile directory does not exist")]);
        }

        var files = Directory.EnumerateFiles(path)
            .Where(f => f.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || f.EndsWith(".yml", StringComparison.OrdinalIgnoreCase))
            .Order(StringComparer.Ordinal)
            .ToList();
        var sources = new List<(string Source, string Yaml)>(files.Count);
        var errors = new List<PolicyError>();
        foreach (var file in files)
        {
            try
            {
                sources.Add((file, File.ReadAllText(file)));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new PolicyError(file, 1, 1, string.Empty, $"cannot read the file: {e.Message}"));
            }
        }

        return FromSources(sources, errors);
    }

    /// <summary>Builds a catalog from YAML texts already in memory (source name, YAML).</summary>
    public static ProfileCatalog FromSources(IEnumerable<(string Source, string Yaml)> sources) => FromSources(sources, []);

    /// <summary>Builds a catalog from profiles already compiled; a duplicate name throws.</summary>
    public static ProfileCatalog FromProfiles(IEnumerable<CompiledProfile> profiles)
    {
        var byName = new Dictionary<string, CompiledProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var profile in profiles)
        {
            if (!byName.TryAdd(profile.Name, profile))
            {
                throw new ArgumentException($"Profile '{profile.Name}' is given twice.", nameof(profiles));
            }
        }

        return new ProfileCatalog(byName, []);
    }

    private static ProfileCatalog FromSources(IEnumerable<(string Source, string Yaml)> sources, List<PolicyError> errors)
    {
        var byName = new Dictionary<string, CompiledProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var (source, yaml) in sources)
        {
            var result = ProfileParser.Parse(yaml, source);
            errors.AddRange(result.Errors);
            foreach (var profile in result.Profiles)
            {
                if (byName.TryGetValue(profile.Name, out var first))
                {
                    errors.Add(new PolicyError(source, NameLine(yaml, profile.Name), 1, "name",
                        $"profile '{profile.Name}' is already defined in {first.Source}"));
                    continue;
                }

                byName.Add(profile.Name, profile);
            }
        }

        return new ProfileCatalog(byName, errors);
    }

    /// <summary>Best-effort line of a profile's <c>name:</c> (the parser has already validated the file).</summary>
    private static int NameLine(string yaml, string name)
    {
        var line = 1;
        foreach (var text in yaml.AsSpan().EnumerateLines())
        {
            var trimmed = text.TrimStart(" -\t");
            if (trimmed.StartsWith("name:") && trimmed[5..].Trim().Trim("'\"").SequenceEqual(name))
            {
                return line;
            }

            line++;
        }

        return 1;
    }
}
