using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Gateway.Policy.Parsing;

/// <summary>The errors of one source and typed readers for YAML nodes that report wrong types with positions.</summary>
internal sealed class ParseContext(string source)
{
    public string Source { get; } = source;

    public List<PolicyError> Errors { get; } = [];

    public void Error(YamlNode node, string field, string message) => Error(node.Start, field, message);

    public void Error(Mark mark, string field, string message) =>
        Errors.Add(new PolicyError(Source, (int)Math.Max(1, mark.Line), (int)Math.Max(1, mark.Column), field, message));

    /// <summary>An absent value: empty, <c>~</c> or <c>null</c> (unquoted).</summary>
    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any } scalar &&
        (string.IsNullOrEmpty(scalar.Value) || scalar.Value is "~" or "null" or "Null" or "NULL");

    public static string Describe(YamlNode node) => node switch
    {
        YamlMappingNode => "a mapping",
        YamlSequenceNode => "a list",
        _ when IsNull(node) => "nothing",
        YamlScalarNode scalar => $"'{scalar.Value}'",
        _ => "something else",
    };

    public MappingReader? Mapping(YamlNode node, string field)
    {
        if (node is YamlMappingNode mapping)
        {
            return new MappingReader(this, mapping, field);
        }

        Error(node, field, $"expected a mapping (key: value lines), found {Describe(node)}");
        return null;
    }

    public string? String(YamlNode node, string field)
    {
        if (node is YamlScalarNode scalar && !IsNull(node))
        {
            return scalar.Value ?? string.Empty;
        }

        Error(node, field, $"expected a text value, found {Describe(node)}");
        return null;
    }

    public bool? Bool(YamlNode node, string field)
    {
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node))
        {
            if (value.Equals("true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (value.Equals("false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        Error(node, field, $"expected true or false, found {Describe(node)}");
        return null;
    }

    public int? Int(YamlNode node, string field, int min, int max)
    {
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node) &&
            int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number))
        {
            if (number >= min && number <= max)
            {
                return number;
            }

            Error(node, field, $"{number} is out of range: must be {min} to {max}");
            return null;
        }

        Error(node, field, $"expected a whole number, found {Describe(node)}");
        return null;
    }

    public TimeSpan? Duration(YamlNode node, string field, bool allowZero)
    {
        if (node is YamlScalarNode { Value: { } value } && !IsNull(node) && Durations.TryParse(value, out var duration))
        {
            if (duration > TimeSpan.Zero || allowZero)
            {
                return duration;
            }

            Error(node, field, "must be longer than zero");
            return null;
        }

        Error(node, field, $"{(node is YamlScalarNode && !IsNull(node) ? $"'{((YamlScalarNode)node).Value}' is not a duration" : $"expected a duration, found {Describe(node)}")}: write a number and a unit (s, m, h, d, w, y), e.g. 90d, 24h or 1h30m");
        return null;
    }

    /// <summary>A list of scalars; an absent value is an empty list.</summary>
    public List<ListItem>? List(YamlNode node, string field)
    {
        if (IsNull(node))
        {
            return [];
        }

        if (node is not YamlSequenceNode sequence)
        {
            Error(node, field, $"expected a list (e.g. [a, b] or lines starting with '- '), found {Describe(node)}");
            return null;
        }

        var items = new List<ListItem>(sequence.Children.Count);
        var ok = true;
        for (var i = 0; i < sequence.Children.Count; i++)
        {
            var child = sequence.Children[i];
            var itemField = $"{field}[{i}]";
            if (child is YamlScalarNode { Value: { } value } && !IsNull(child))
            {
                items.Add(new ListItem(child, value, itemField));
            }
            else
            {
                Error(child, itemField, $"expected a text value, found {Describe(child)}");
                ok = false;
            }
        }

        return ok ? items : null;
    }
}
