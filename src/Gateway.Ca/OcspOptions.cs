namespace Gateway.Ca;

/// <summary>The OCSP responder's signing and caching, bound from <c>Gateway:Ocsp</c>.</summary>
public sealed class OcspOptions
{
    public const string SectionName = "Gateway:Ocsp";

    /// <summary>
    /// nextUpdate − thisUpdate of good and revoked responses (default 1 hour, 1 minute to 7 days). Pre-signed responses
    /// are re-signed when half of it has passed; revocations replace them at once.
    /// </summary>
    public TimeSpan ResponseValidity { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// Lifetime of the delegated OCSP signing certificate (id-kp-OCSPSigning, ocsp-nocheck) each node issues itself at
    /// start with a fresh key (default 3 days; at least twice <see cref="ResponseValidity"/>, at most 90 days). A new
    /// key and certificate replace it when two thirds of its lifetime have passed.
    /// </summary>
    public TimeSpan SigningCertificateLifetime { get; set; } = TimeSpan.FromDays(3);

    /// <summary>
    /// How many serials' pre-signed responses each node keeps (default 100000; 0 turns pre-signing off). Serials the
    /// gateway never issued (<c>unknown</c>) are kept apart, at most 1000 of them, so requests for made-up serials
    /// cannot fill this cache; serials over 20 octets are refused as malformedRequest.
    /// </summary>
    public int CacheSize { get; set; } = 100_000;
}
