using Gateway.Policy.Parsing;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Policy;

/// <summary>
/// Parses profile YAML (one profile mapping, a list of them, or several YAML documents) into compiled profiles,
/// or into errors with line, column and field path. Pure: no I/O.
/// </summary>
public static class ProfileParser
{
    public static ProfileParseResult Parse(string yaml, string sourceName) => Parse(yaml, sourceName, version: 1);

    /// <param name="options">What the operator allows beyond the defaults (null: <see cref="ProfileParseOptions.Default"/>).</param>
    public static ProfileParseResult Parse(string yaml, string sourceName, int version, ProfileParseOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(version);

        var context = new ParseContext(sourceName);
        var stream = new YamlStream();
        var parser = new TrackingParser(new Parser(new StringReader(yaml)));
        try
        {
            stream.Load(parser);
        }
        catch (YamlException e)
        {
            context.Error(e.Start, string.Empty, $"YAML syntax error: {e.Message}");
            return new ProfileParseResult([], context.Errors);
        }
        catch (Exception e) when (e is InvalidOperationException or ArgumentException or FormatException)
        {
            context.Error(parser.LastMark, string.Empty, "YAML syntax error near here: the document is malformed (an unclosed '[', '{' or quote?)");
            return new ProfileParseResult([], context.Errors);
        }

        var nodes = new List<YamlMappingNode>();
        foreach (var document in stream.Documents)
        {
            switch (document.RootNode)
            {
                case YamlMappingNode mapping:
                    nodes.Add(mapping);
                    break;
                case YamlSequenceNode sequence:
                    for (var i = 0; i < sequence.Children.Count; i++)
                    {
                        if (sequence.Children[i] is YamlMappingNode item)
                        {
                            nodes.Add(item);
                        }
                        else
                        {
                            context.Error(sequence.Children[i], $"[{i}]", $"expected a profile (a mapping), found {ParseContext.Describe(sequence.Children[i])}");
                        }
                    }

                    break;
                default:
                    if (!ParseContext.IsNull(document.RootNode))
                    {
                        context.Error(document.RootNode, string.Empty, $"expected a profile (a mapping) or a list of profiles, found {ParseContext.Describe(document.RootNode)}");
                    }

                    break;
            }
        }

        if (nodes.Count == 0 && context.Errors.Count == 0)
        {
            context.Error(Mark.Empty, string.Empty, "no profile defined");
        }

        var reader = new ProfileReader(context, options ?? ProfileParseOptions.Default);
        var compiled = new List<CompiledProfile>(nodes.Count);
        var names = new Dictionary<string, YamlNode>(StringComparer.OrdinalIgnoreCase);
        var single = nodes.Count == 1 && stream.Documents.Count == 1;
        foreach (var node in nodes)
        {
            var definition = reader.Read(node, out var nameNode);
            if (definition is null)
            {
                continue;
            }

            if (!names.TryAdd(definition.Name, nameNode!))
            {
                var first = names[definition.Name].Start;
                context.Error(nameNode!, "name", $"profile '{definition.Name}' is already defined at line {first.Line}");
                continue;
            }

            compiled.Add(new CompiledProfile(definition, single ? yaml : Emit(node), sourceName, version));
        }

        context.Errors.Sort((a, b) => a.Line != b.Line ? a.Line.CompareTo(b.Line) : a.Column.CompareTo(b.Column));
        return new ProfileParseResult(compiled, context.Errors);
    }

    private static string Emit(YamlMappingNode node)
    {
        using var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }
}
