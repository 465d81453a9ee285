namespace Gateway.Policy;

/// <summary>
/// One problem found while reading a profile: where it is (source, 1-based line and column), which field
/// (a path such as <c>san.dns.allow[2]</c>) and what is wrong.
/// </summary>
public sealed record PolicyError(string Source, int Line, int Column, string Field, string Message)
{
    public override string ToString() =>
        Field.Length == 0 ? $"{Source}({Line},{Column}): {Message}" : $"{Source}({Line},{Column}): {Field}: {Message}";
}
