namespace Gateway.Policy;

/// <summary>
/// A set of compiled profiles by name (case-insensitive); immutable and thread-safe.
/// <see cref="LoadDirectory"/> is the only I/O in Gateway.Policy.
/// </summary>
public sealed class ProfileCatalog
{
    private readonly Dictionary<string, CompiledProfile> _byName;

    private ProfileCatalog(Dictionary<string, CompiledProfile> byName)
    {
        _byName = byName;
        Profiles = [.. byName.Values.OrderBy(p => p.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Every profile, ordered by name.</summary>
    public IReadOnlyList<CompiledProfile> Profiles { get; }

    public static ProfileCatalog Empty { get; } = new(new Dictionary<string, CompiledProfile>(StringComparer.OrdinalIgnoreCase));

    public bool TryGet(string name, out CompiledProfile profile)
    {
        if (_byName.TryGetValue(name, out var found))
        {
            profile = found;
            return true;
        }

        profile = null!;
        return false;
    }

    /// <summary>
    /// Loads every <c>*.yaml</c> and <c>*.yml</c> file directly in <paramref name="path"/> (not subdirectories), in ordinal
    /// file-name order. A file with any error contributes no profile; a profile name already defined by an earlier file is an error.
    /// </summary>
    public static ProfileCatalogLoadResult LoadDirectory(string path, ProfileParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!Directory.Exists(path))
        {
            return new ProfileCatalogLoadResult(Empty, [new PolicyError(path, 1, 1, string.Empty, "the profile directory does not exist")]);
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

        return FromSources(sources, errors, options);
    }

    /// <summary>Builds a catalog from YAML texts already in memory (source name, YAML), with the same rules as <see cref="LoadDirectory"/>.</summary>
    public static ProfileCatalogLoadResult FromSources(IEnumerable<(string Source, string Yaml)> sources, ProfileParseOptions? options = null) =>
        FromSources(sources, [], options);

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

        return new ProfileCatalog(byName);
    }

    private static ProfileCatalogLoadResult FromSources(IEnumerable<(string Source, string Yaml)> sources, List<PolicyError> errors, ProfileParseOptions? options)
    {
        var byName = new Dictionary<string, CompiledProfile>(StringComparer.OrdinalIgnoreCase);
        foreach (var (source, yaml) in sources)
        {
            var result = ProfileParser.Parse(yaml, source, 1, options);
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

        return new ProfileCatalogLoadResult(new ProfileCatalog(byName), errors);
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
