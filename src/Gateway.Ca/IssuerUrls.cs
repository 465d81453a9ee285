namespace Gateway.Ca;

/// <summary>
/// Where relying parties find an issuer's status: the CRL (CRL distribution point), the OCSP responder and the
/// issuer's certificate (authority information access), all under <c>Gateway:PublicBaseUrl</c>.
/// </summary>
/// <param name="CrlUrl"><c>&lt;base&gt;/crl/&lt;issuer id&gt;.crl</c>, DER.</param>
/// <param name="OcspUrl"><c>&lt;base&gt;/ocsp</c>.</param>
/// <param name="CaIssuersUrl"><c>&lt;base&gt;/ca/&lt;issuer id&gt;.crt</c>, DER.</param>
public sealed record IssuerUrls(string CrlUrl, string OcspUrl, string CaIssuersUrl)
{
    /// <summary>The URLs of issuer <paramref name="issuerId"/> under <paramref name="baseUrl"/> (a trailing slash is ignored).</summary>
    public static IssuerUrls For(string baseUrl, string issuerId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(issuerId);
        string root = baseUrl.TrimEnd('/');
        string id = Uri.EscapeDataString(issuerId);
        return new IssuerUrls($"{root}/crl/{id}.crl", $"{root}/ocsp", $"{root}/ca/{id}.crt");
    }
}
