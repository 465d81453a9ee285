namespace Gateway.Grains.Profiles;

/// <summary>Where the profiles live (section <c>Gateway:Policies</c>).</summary>
public sealed class PolicyOptions
{
    public const string Section = "Gateway:Policies";

    /// <summary>Directory of <c>*.yaml</c> profiles that seed the store. Default: <c>./policies</c> if it exists, else the copy shipped next to the binaries.</summary>
    public string? Path { get; set; }

    /// <summary>How often each silo asks the store whether a profile changed (default 1 s; 100 ms to 1 min).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Extended key usages profiles may grant beyond serverAuth, clientAuth and emailProtection: names
    /// (<c>codeSigning</c>, <c>timeStamping</c>, <c>anyExtendedKeyUsage</c>) or dotted OIDs (default none). Only the
    /// operator sets this; a policy admin cannot. <c>ocspSigning</c> is refused even here.
    /// </summary>
    public string[] AllowSensitiveExtendedKeyUsages { get; set; } = [];

    /// <summary>The parse options these settings give; throws when they are invalid (they are validated at start).</summary>
    public Gateway.Policy.ProfileParseOptions ParseOptions() =>
        Gateway.Policy.ProfileParseOptions.TryCreate(AllowSensitiveExtendedKeyUsages, out var options, out var error)
            ? options
            : throw new InvalidOperationException(error);

    public string ResolvePath()
    {
        if (!string.IsNullOrWhiteSpace(Path)) return System.IO.Path.GetFullPath(Path);
        var local = System.IO.Path.GetFullPath("policies");
        if (Directory.Exists(local)) return local;
        return System.IO.Path.Combine(AppContext.BaseDirectory, "policies");
    }
}
