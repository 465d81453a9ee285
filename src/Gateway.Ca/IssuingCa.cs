using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Ca;

/// <summary>
/// One issuing CA: its certificate (public part only), its chain and its <see cref="ISigner"/>. Also caches everything
/// constant the hot path writes into each certificate it signs (issuer name, authorityKeyIdentifier, signature algorithm).
/// </summary>
public sealed class IssuingCa
{
    /// <param name="id">The issuer id templates name.</param>
    /// <param name="certificate">The issuing CA certificate; only its public part is kept.</param>
    /// <param name="chainDer">The issuing CA certificate first, then its issuers up to and including the root.</param>
    /// <param name="signer">Signs with the issuing CA's key; its public key must be the certificate's.</param>
    /// <param name="logicalId">The issuer id profiles name, whose current generation signs (null: <paramref name="id"/>).</param>
    /// <param name="generation">1 for the first issuing CA of <paramref name="logicalId"/>, 2 for the one that replaced it, ...</param>
    public IssuingCa(string id, X509Certificate2 certificate, IReadOnlyList<byte[]> chainDer, ISigner signer, string? logicalId = null, int generation = 1)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(id);
        ArgumentNullException.ThrowIfNull(certificate);
        ArgumentNullException.ThrowIfNull(chainDer);
        ArgumentNullException.ThrowIfNull(signer);

        if (chainDer.Count == 0 || !chainDer[0].AsSpan().SequenceEqual(certificate.RawData))
        {
            throw new ArgumentException("The chain must start with the issuing CA certificate.", nameof(chainDer));
        }

        byte[] certificateSpki = certificate.PublicKey.ExportSubjectPublicKeyInfo();
        if (!certificateSpki.AsSpan().SequenceEqual(signer.SubjectPublicKeyInfo))
        {
            throw new ArgumentException("The signer's public key is not the issuing CA certificate's public key.", nameof(signer));
        }

        Id = id;
        LogicalId = logicalId ?? id;
        Generation = generation;
        Certificate = X509CertificateLoader.LoadCertificate(certificate.RawData);
        ChainDer = chainDer.Select(c => (byte[])c.Clone()).ToArray().AsReadOnly();
        SubjectName = Certificate.Subject;
        NotBefore = new DateTimeOffset(Certificate.NotBefore.ToUniversalTime());
        NotAfter = new DateTimeOffset(Certificate.NotAfter.ToUniversalTime());
        Signer = signer;

        NameDer = Certificate.SubjectName.RawData;
        SignatureAlgorithm = (byte[])signer.SignatureAlgorithmIdentifier.Clone();
        SubjectPublicKeyInfo = certificateSpki;
        KeyIdentifier = GetSubjectKeyIdentifier(Certificate);
        AuthorityKeyIdentifierExtension = EncodeAuthorityKeyIdentifier(KeyIdentifier);
        PublicKeyBits = Certificate.PublicKey.EncodedKeyValue.RawData;
    }

    /// <summary>This generation's id: <c>default</c> for the first, <c>default-g2</c>, <c>default-g3</c>, ... after rollovers.</summary>
    public string Id { get; }

    /// <summary>The issuer id profiles name; its current generation signs new certificates.</summary>
    public string LogicalId { get; }

    public int Generation { get; }

    /// <summary>The issuing CA certificate, without private key.</summary>
    public X509Certificate2 Certificate { get; }

    /// <summary>The issuing CA certificate first, then its issuers up to and including the root.</summary>
    public IReadOnlyList<byte[]> ChainDer { get; }

    public string SubjectName { get; }

    public DateTimeOffset NotBefore { get; }

    public DateTimeOffset NotAfter { get; }

    public ISigner Signer { get; }

    /// <summary>DER of the issuing CA's subject: the issuer field of every certificate it signs.</summary>
    internal byte[] NameDer { get; }

    internal byte[] SignatureAlgorithm { get; }

    internal byte[] SubjectPublicKeyInfo { get; }

    /// <summary>The issuing CA's subjectKeyIdentifier (or, lacking one, SHA-1 of its public key).</summary>
    internal byte[] KeyIdentifier { get; }

    /// <summary>The complete authorityKeyIdentifier Extension written into every certificate this CA signs.</summary>
    internal byte[] AuthorityKeyIdentifierExtension { get; }

    /// <summary>The subjectPublicKey BIT STRING's bytes: what an OCSP CertID's issuerKeyHash hashes.</summary>
    internal byte[] PublicKeyBits { get; }

    /// <summary>CRL distribution point, OCSP and caIssuers URLs under the last base URL asked for (changes are rare).</summary>
    private volatile StatusExtensions? _statusExtensions;

    /// <summary>The issuer's status URLs under <paramref name="baseUrl"/>, and their encoded extensions (cached).</summary>
    internal StatusExtensions GetStatusExtensions(string baseUrl)
    {
        StatusExtensions? current = _statusExtensions;
        if (current is not null && string.Equals(current.BaseUrl, baseUrl, StringComparison.Ordinal))
        {
            return current;
        }

        current = new StatusExtensions(baseUrl, IssuerUrls.For(baseUrl, Id));
        _statusExtensions = current;
        return current;
    }

    private static byte[] GetSubjectKeyIdentifier(X509Certificate2 certificate)
    {
        foreach (X509Extension extension in certificate.Extensions)
        {
            if (extension is X509SubjectKeyIdentifierExtension ski && ski.SubjectKeyIdentifierBytes.Length > 0)
            {
                return ski.SubjectKeyIdentifierBytes.ToArray();
            }
        }

        return SHA1.HashData(certificate.PublicKey.EncodedKeyValue.RawData);
    }

    private static byte[] EncodeAuthorityKeyIdentifier(byte[] keyIdentifier)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        using (writer.PushSequence())
        {
            writer.WriteObjectIdentifier(Oids.AuthorityKeyIdentifier);
            using (writer.PushOctetString())
            using (writer.PushSequence())
            {
                writer.WriteOctetString(keyIdentifier, new Asn1Tag(TagClass.ContextSpecific, 0));
            }
        }

        return writer.Encode();
    }
}
