using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Ca.Tests;

public sealed class IssuingCaTests
{
    [Fact]
    public void Constructor_signerOfAnotherKey_throwsArgumentException()
    {
        using ImportedCa imported = ImportedCa.Create();
        using var signer = new EcdsaSigner(ECDsa.Create(ECCurve.NamedCurves.nistP256));

        Assert.Throws<ArgumentException>(() => new IssuingCa("x", imported.Issuing, [imported.Issuing.RawData, imported.Root.RawData], signer));
    }

    [Fact]
    public void Constructor_chainNotStartingWithCertificate_throwsArgumentException()
    {
        using ImportedCa imported = ImportedCa.Create();
        using var signer = new EcdsaSigner((ECDsa)imported.IssuingKey, ownsKey: false);

        Assert.Throws<ArgumentException>(() => new IssuingCa("x", imported.Issuing, [imported.Root.RawData], signer));
    }

    [Fact]
    public void CertificateAuthority_overInMemoryIssuer_issuesVerifiableCertificatesWithoutPrivateKeyInIssuer()
    {
        using ImportedCa imported = ImportedCa.Create();
        using var signer = new EcdsaSigner((ECDsa)imported.IssuingKey, ownsKey: false);
        var issuer = new IssuingCa("edge", imported.Issuing, [imported.Issuing.RawData, imported.Root.RawData], signer);
        using var ca = new CertificateAuthority(issuer, imported.Root.RawData);

        IssuedCertificate issued = ca.Issue(Given.Template(issuerId: "edge"));

        Assert.False(issuer.Certificate.HasPrivateKey);
        Assert.Equal("CN=Imported Issuing, O=Elsewhere", issued.Issuer);
        Given.AssertVerifies(ca, issued);
    }

    [Fact]
    public void RsaSigner_keySize_picksHashBySize()
    {
        using var rsa2048 = new RsaSigner(RSA.Create(2048));
        using var rsa4096 = new RsaSigner(RSA.Create(4096));

        Assert.Equal(HashAlgorithmName.SHA256, rsa2048.HashAlgorithm);
        Assert.Equal(HashAlgorithmName.SHA384, rsa4096.HashAlgorithm);
        Assert.Throws<ArgumentException>(() => new RsaSigner(RSA.Create(1024)));
    }

    [Fact]
    public void EcdsaSigner_sign_producesDerSignatureVerifiableWithSpki()
    {
        using var signer = new EcdsaSigner(ECDsa.Create(ECCurve.NamedCurves.nistP384));
        byte[] data = [1, 2, 3];

        byte[] signature = signer.Sign(data);

        using var verifier = ECDsa.Create();
        verifier.ImportSubjectPublicKeyInfo(signer.SubjectPublicKeyInfo, out _);
        Assert.Equal(0x30, signature[0]);
        Assert.True(verifier.VerifyData(data, signature, HashAlgorithmName.SHA384, DSASignatureFormat.Rfc3279DerSequence));
        Assert.Equal([0x30, 0x0A, 0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x04, 0x03, 0x03], signer.SignatureAlgorithmIdentifier);
    }
}
