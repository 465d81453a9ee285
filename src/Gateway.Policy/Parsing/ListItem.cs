using YamlDotNet.RepresentationModel;

namespace Gateway.Policy.Parsing;

/// <summary>One scalar of a YAML list, with its node (for positions) and field path (<c>san.dns.allow[2]</c>).</summary>
internal readonly record struct ListItem(YamlNode Node, string Value, string Field);
