namespace Gateway.LoadTests.Csr;

/// <summary>
/// One fresh P-256 key's PKCS#10 request (DER) for <see cref="DnsName"/>, the CN and only SAN, with the key's
/// SubjectPublicKeyInfo (DER) so that an answer can be checked to certify this very key.
/// </summary>
internal sealed record GeneratedCsr(int Index, string DnsName, byte[] Der, byte[] SubjectPublicKeyInfo)
{
    public string ToPem() => new(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", Der));
}
