using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Policy;

/// <summary>Re-writes profile documents. Pure: no I/O.</summary>
public static class ProfileYaml
{
    /// <summary>
    /// Whether the document's top level is a flow mapping (<c>{...}</c>, as JSON is), which <see cref="ToBlockStyle"/> turns into ordinary YAML.
    /// </summary>
    public static bool IsFlowMapping(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        foreach (var line in document.AsSpan().EnumerateLines())
        {
            var trimmed = line.TrimStart();
            if (trimmed.IsEmpty || trimmed[0] == '#') continue;
            return trimmed[0] == '{';
        }

        return false;
    }

    /// <summary>Whether a plain scalar with this text would read as something other than a string (null, a boolean, a number), so its quotes must stay.</summary>
    private static bool LooksTyped(string? value)
    {
        if (string.IsNullOrWhiteSpace(value) || value != value.Trim()) return true;
        var lower = value.ToLowerInvariant();
        if (lower is "~" or "null" or "true" or "false" or "yes" or "no" or "on" or "off" or "y" or "n") return true;
        var first = value[0];
        return char.IsAsciiDigit(first) || first is '-' or '+' or '.';
    }

    /// <summary>
    /// The same single document in block style (mappings and lists one entry a line; scalars keep their quoting), or
    /// null when <paramref name="document"/> is not one well-formed YAML (or JSON) document. Comments are not kept.
    /// </summary>
    public static string? ToBlockStyle(string document)
    {
        ArgumentNullException.ThrowIfNull(document);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(document));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException or ArgumentException or FormatException)
        {
            return null;
        }

        if (stream.Documents.Count != 1) return null;
        var root = stream.Documents[0].RootNode;
        foreach (var node in root.AllNodes)
        {
            switch (node)
            {
                case YamlMappingNode mapping:
                    mapping.Style = YamlDotNet.Core.Events.MappingStyle.Block;
                    break;
                case YamlScalarNode { Style: ScalarStyle.DoubleQuoted or ScalarStyle.SingleQuoted } scalar when !LooksTyped(scalar.Value):
                    // JSON quotes every string; the emitter quotes again only where YAML needs it (e.g. "*.example.test").
                    scalar.Style = ScalarStyle.Any;
                    break;
                case YamlSequenceNode sequence:
                    // Short lists of plain values read best on one line, as the shipped profiles write them.
                    sequence.Style = sequence.Children.All(c => c is YamlScalarNode) && sequence.Children.Count <= 8
                        ? YamlDotNet.Core.Events.SequenceStyle.Flow
                        : YamlDotNet.Core.Events.SequenceStyle.Block;
                    break;
            }
        }

        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        var text = writer.ToString().ReplaceLineEndings("\n");
        // YamlStream ends a document with an explicit "..." marker; a profile file does not need it.
        if (text.EndsWith("...\n", StringComparison.Ordinal)) text = text[..^4];
        return text;
    }
}
