using System.Globalization;
using System.Text;

namespace Gateway.Server.Tests;

/// <summary>
/// A strict reader of the Prometheus text exposition format (0.0.4): <c># HELP name text</c>, <c># TYPE name type</c>,
/// samples <c>name{label="value",…} value [timestamp]</c>, empty lines. Any other line, a sample of a family without a
/// TYPE, a duplicate TYPE or a duplicate series is an error naming the line.
/// </summary>
internal sealed class PrometheusText
{
    private static readonly string[] Types = ["counter", "gauge", "histogram", "summary", "untyped"];

    public sealed record Sample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

    public IReadOnlyDictionary<string, string> TypeOf { get; }

    public IReadOnlyList<Sample> Samples { get; }

    private PrometheusText(IReadOnlyDictionary<string, string> types, IReadOnlyList<Sample> samples)
    {
        TypeOf = types;
        Samples = samples;
    }

    /// <summary>The value of the one sample named <paramref name="name"/> with exactly these labels, or 0 when there is none.</summary>
    public double Value(string name, params (string Label, string Value)[] labels) =>
        Samples.SingleOrDefault(s => s.Name == name && s.Labels.Count == labels.Length && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))?.Value ?? 0;

    /// <summary>The sum of every sample named <paramref name="name"/> whose labels include these.</summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value)).Sum(s => s.Value);

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var helps = new HashSet<string>(StringComparer.Ordinal);
        var samples = new List<Sample>();
        var series = new HashSet<string>(StringComparer.Ordinal);
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var number = i + 1;
            if (line.Length == 0) continue;
            if (line.StartsWith('#'))
            {
                var parts = line.Split(' ', 4);
                if (parts.Length < 3 || parts[0] != "#" || !IsMetricName(parts[2])) throw Error(number, line, "a comment that is not '# HELP name text' or '# TYPE name type'");
                switch (parts[1])
                {
                    case "HELP":
                        if (!helps.Add(parts[2])) throw Error(number, line, "a second HELP for " + parts[2]);
                        break;
                    case "TYPE":
                        if (parts.Length != 4 || !Types.Contains(parts[3])) throw Error(number, line, "an unknown metric type");
                        if (!types.TryAdd(parts[2], parts[3])) throw Error(number, line, "a second TYPE for " + parts[2]);
                        break;
                    default:
                        throw Error(number, line, "a comment that is neither HELP nor TYPE");
                }
                continue;
            }

            var sample = ParseSample(line, number);
            if (Family(sample.Name, types) is null) throw Error(number, line, "a sample whose family has no TYPE line before it");
            var key = sample.Name + "{" + string.Join(",", sample.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => l.Key + "=" + l.Value)) + "}";
            if (!series.Add(key)) throw Error(number, line, "a duplicate series");
            samples.Add(sample);
        }
        return new PrometheusText(types, samples);
    }

    /// <summary>The declared family a sample belongs to: its own name, or a histogram/summary's name for _bucket, _sum, _count.</summary>
    private static string? Family(string name, Dictionary<string, string> types)
    {
        if (types.ContainsKey(name)) return name;
        foreach (var suffix in new[] { "_bucket", "_sum", "_count" })
        {
            if (name.EndsWith(suffix, StringComparison.Ordinal) && types.TryGetValue(name[..^suffix.Length], out var type)
                && (type is "histogram" || (type is "summary" && suffix != "_bucket")))
            {
                return name[..^suffix.Length];
            }
        }
        return null;
    }

    private static Sample ParseSample(string line, int number)
    {
        var i = 0;
        while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] is '_' or ':')) i++;
        var name = line[..i];
        if (!IsMetricName(name)) throw Error(number, line, "no metric name");
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        if (i < line.Length && line[i] == '{')
        {
            i++;
            while (i < line.Length && line[i] != '}')
            {
                var start = i;
                while (i < line.Length && (char.IsAsciiLetterOrDigit(line[i]) || line[i] == '_')) i++;
                var label = line[start..i];
                if (label.Length == 0 || char.IsAsciiDigit(label[0])) throw Error(number, line, "a bad label name");
                if (i + 1 >= line.Length || line[i] != '=' || line[i + 1] != '"') throw Error(number, line, "a label without =\"value\"");
                i += 2;
                var value = new StringBuilder();
                while (true)
                {
                    if (i >= line.Length) throw Error(number, line, "an unterminated label value");
                    var c = line[i++];
                    if (c == '"') break;
                    if (c == '\\')
                    {
                        if (i >= line.Length) throw Error(number, line, "a dangling escape");
                        value.Append(line[i++] switch
                        {
                            '\\' => '\\',
                            '"' => '"',
                            'n' => '\n',
                            _ => throw Error(number, line, "an unknown escape"),
                        });
                    }
                    else
                    {
                        value.Append(c);
                    }
                }
                if (!labels.TryAdd(label, value.ToString())) throw Error(number, line, "a repeated label " + label);
                if (i < line.Length && line[i] == ',') i++;
                else if (i < line.Length && line[i] != '}') throw Error(number, line, "labels not separated by ','");
            }
            if (i >= line.Length) throw Error(number, line, "an unterminated label set");
            i++;
        }

        var rest = line[i..];
        if (!rest.StartsWith(' ')) throw Error(number, line, "no space before the value");
        var fields = rest[1..].Split(' ');
        if (fields.Length is < 1 or > 2 || !TryParseValue(fields[0], out var sampleValue)) throw Error(number, line, "a bad value");
        if (fields.Length == 2 && !long.TryParse(fields[1], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _)) throw Error(number, line, "a bad timestamp");
        return new Sample(name, labels, sampleValue);
    }

    private static bool TryParseValue(string text, out double value)
    {
        switch (text)
        {
            case "+Inf": value = double.PositiveInfinity; return true;
            case "-Inf": value = double.NegativeInfinity; return true;
            case "NaN": value = double.NaN; return true;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && !text.Contains("Infinity", StringComparison.Ordinal);
        }
    }

    private static bool IsMetricName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or ':');

    private static FormatException Error(int number, string line, string what) => new($"line {number}: {what}: {line}");
}
