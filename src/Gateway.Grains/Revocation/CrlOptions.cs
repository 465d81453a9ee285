namespace Gateway.Grains.Revocation;

/// <summary>CRL publication, bound from <c>Gateway:Crl</c>.</summary>
public sealed class CrlOptions
{
    public const string Section = "Gateway:Crl";

    /// <summary>nextUpdate − thisUpdate of each CRL (default 1 day; 1 hour to 365 days).</summary>
    public TimeSpan Validity { get; set; } = TimeSpan.FromDays(1);

    /// <summary>A new CRL is published at least this often, changes or not (default 12 hours; at least 1 minute, less than <see cref="Validity"/>).</summary>
    public TimeSpan RefreshInterval { get; set; } = TimeSpan.FromHours(12);

    /// <summary>After a revocation, wait this long for more before publishing, so bursts make one CRL (default 250 ms; at most 10 s).</summary>
    public TimeSpan Debounce { get; set; } = TimeSpan.FromMilliseconds(250);

    internal string? Validate()
    {
        var errors = new List<string>();
        if (Validity < TimeSpan.FromHours(1) || Validity > TimeSpan.FromDays(365))
            errors.Add($"{Section}:{nameof(Validity)} {Validity} is not between 01:00:00 and 365.00:00:00.");
        if (RefreshInterval < TimeSpan.FromMinutes(1) || RefreshInterval >= Validity)
            errors.Add($"{Section}:{nameof(RefreshInterval)} {RefreshInterval} must be at least 00:01:00 and less than {Section}:{nameof(Validity)} ({Validity}).");
        if (Debounce < TimeSpan.Zero || Debounce > TimeSpan.FromSeconds(10))
            errors.Add($"{Section}:{nameof(Debounce)} {Debounce} is not between 00:00:00 and 00:00:10.");
        return errors.Count == 0 ? null : string.Join(" ", errors);
    }
}
