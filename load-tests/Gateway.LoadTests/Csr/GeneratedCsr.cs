namespace Gateway.LoadTests.Csr;

/// <summary>One fresh P-256 key's PKCS#10 request (DER) for <see cref="DnsName"/>, the CN and only SAN.</summary>
internal sealed record GeneratedCsr(int Index, string DnsName, byte[] Der)
{
    public string ToPem() => new(System.Security.Cryptography.PemEncoding.Write("CERTIFICATE REQUEST", Der));
}
