namespace Gateway.Grains;

/// <summary>The certificate expiry job (section <c>Gateway:Expiry</c>).</summary>
public sealed class ExpiryOptions
{
    public const string Section = "Gateway:Expiry";

    /// <summary>Whether this silo runs the job (any silo may: the sweep runs one at a time cluster-wide).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often expired certificates are looked for and marked.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Certificates marked per commit.</summary>
    public int BatchSize { get; set; } = 500;
}
