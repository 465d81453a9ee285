using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.Pkcs;
using Org.BouncyCastle.Asn1.X509;

namespace Gateway.Protocols.Cmp;

/// <summary>
/// The gateway's CMP protection identity: signs responses that are not MAC-protected (RFC 9483 §3.2: senderKID is the
/// subject key identifier of its certificate, which has digitalSignature). A protocol identity from the CA (recorded in
/// the store, rotated); the key never leaves it.
/// </summary>
public sealed class CmpResponder(IProtocolIdentity identity)
{
    public X509Certificate2 Certificate => identity.Certificate;

    /// <summary>sha256WithRSAEncryption, the algorithm of <see cref="Sign"/>.</summary>
    internal static AlgorithmIdentifier SignatureAlgorithm { get; } = new(PkcsObjectIdentifiers.Sha256WithRsaEncryption, DerNull.Instance);

    internal byte[] Sign(byte[] data) => identity.Sign(data, HashAlgorithmName.SHA256);

    /// <summary>The subject key identifier of the current certificate (the responses' senderKID).</summary>
    internal byte[] KeyId =>
        Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes.ToArray()
        ?? SHA1.HashData(Certificate.PublicKey.EncodedKeyValue.RawData);
}
