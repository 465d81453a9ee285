using YamlDotNet.RepresentationModel;

namespace Gateway.Policy.Parsing;

/// <summary>
/// Reads one YAML mapping: every key asked for is known, every other key is reported by <see cref="Done"/>
/// as unknown (a typo must never silently weaken a policy).
/// </summary>
internal sealed class MappingReader
{
    private readonly ParseContext _context;
    private readonly List<(YamlScalarNode Key, YamlNode Value)> _entries = [];
    private readonly HashSet<string> _known = new(StringComparer.Ordinal);

    public MappingReader(ParseContext context, YamlMappingNode node, string path)
    {
        _context = context;
        Node = node;
        Path = path;
        foreach (var (key, value) in node.Children)
        {
            if (key is YamlScalarNode { Value: not null } scalar)
            {
                _entries.Add((scalar, value));
            }
            else
            {
                context.Error(key, path, "keys must be plain names");
            }
        }
    }

    public YamlMappingNode Node { get; }

    public string Path { get; }

    public string Field(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    /// <summary>The value of <paramref name="key"/>, or null when the key is absent or its value is empty.</summary>
    public YamlNode? Get(string key)
    {
        _known.Add(key);
        foreach (var (k, v) in _entries)
        {
            if (k.Value == key)
            {
                return ParseContext.IsNull(v) ? null : v;
            }
        }

        return null;
    }

    /// <summary>Whether the key is written at all (even with an empty value).</summary>
    public bool Has(string key)
    {
        _known.Add(key);
        foreach (var (k, _) in _entries)
        {
            if (k.Value == key)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>The value of a key that must be present and not empty; reports it otherwise.</summary>
    public YamlNode? Required(string key)
    {
        var value = Get(key);
        if (value is null)
        {
            var keyNode = _entries.Find(e => e.Key.Value == key).Key;
            _context.Error(keyNode is null ? Node.Start : keyNode.Start, Field(key), keyNode is null ? "is required" : "must not be empty");
        }

        return value;
    }

    public string? String(string key) => Get(key) is { } node ? _context.String(node, Field(key)) : null;

    public bool? Bool(string key) => Get(key) is { } node ? _context.Bool(node, Field(key)) : null;

    public int? Int(string key, int min, int max) => Get(key) is { } node ? _context.Int(node, Field(key), min, max) : null;

    public TimeSpan? Duration(string key, bool allowZero = false) => Get(key) is { } node ? _context.Duration(node, Field(key), allowZero) : null;

    public List<ListItem>? List(string key) => Get(key) is { } node ? _context.List(node, Field(key)) : null;

    public MappingReader? Mapping(string key) => Get(key) is { } node ? _context.Mapping(node, Field(key)) : null;

    /// <summary>Reports every key that was never asked for.</summary>
    public void Done()
    {
        foreach (var (key, _) in _entries)
        {
            if (_known.Contains(key.Value!))
            {
                continue;
            }

            var suggestion = Suggest(key.Value!);
            var where = Path.Length == 0 ? "a profile" : Path;
            _context.Error(key, Field(key.Value!), suggestion is null
                ? $"unknown field '{key.Value}' in {where} (known: {string.Join(", ", _known)})"
                : $"unknown field '{key.Value}' in {where}; did you mean '{suggestion}'?");
        }
    }

    private string? Suggest(string unknown)
    {
        string? best = null;
        var bestDistance = int.MaxValue;
        foreach (var candidate in _known)
        {
            var distance = Distance(unknown.ToLowerInvariant(), candidate.ToLowerInvariant());
            if (distance < bestDistance)
            {
                best = candidate;
                bestDistance = distance;
            }
        }

        return bestDistance <= Math.Max(1, Math.Min(3, unknown.Length / 3)) ? best : null;
    }

    private static int Distance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
        {
            previous[j] = j;
        }

        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
