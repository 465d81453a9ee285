using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Ca;

/// <summary>Lets <see cref="CertificateRequest"/> sign CA certificates through an <see cref="ISigner"/> (cold path only).</summary>
internal sealed class SignerSignatureGenerator(ISigner signer) : X509SignatureGenerator
{
    public override byte[] GetSignatureAlgorithmIdentifier(HashAlgorithmName hashAlgorithm) =>
        (byte[])signer.SignatureAlgorithmIdentifier.Clone();

    public override byte[] SignData(byte[] data, HashAlgorithmName hashAlgorithm) => signer.Sign(data);

    protected override PublicKey BuildPublicKey() => PublicKey.CreateFromSubjectPublicKeyInfo(signer.SubjectPublicKeyInfo, out _);
}
