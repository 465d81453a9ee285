namespace Gateway.Grains;

/// <summary>Where the profiles live (section <c>Gateway:Policies</c>).</summary>
public sealed class PolicyOptions
{
    public const string Section = "Gateway:Policies";

    /// <summary>Directory of <c>*.yaml</c> profiles. Default: <c>./policies</c> if it exists, else the copy shipped next to the binaries.</summary>
    public string? Path { get; set; }

    public string ResolvePath()
    {
        if (!string.IsNullOrWhiteSpace(Path)) return System.IO.Path.GetFullPath(Path);
        var local = System.IO.Path.GetFullPath("policies");
        if (Directory.Exists(local)) return local;
        return System.IO.Path.Combine(AppContext.BaseDirectory, "policies");
    }
}
