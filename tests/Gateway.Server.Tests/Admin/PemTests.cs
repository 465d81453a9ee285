using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Admin.Endpoints;

namespace Gateway.Server.Tests.Admin;

public sealed class PemTests
{
    private static byte[] SelfSigned(string name)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={name}", key, HashAlgorithmName.SHA256);
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow, DateTimeOffset.UtcNow.AddDays(1));
        return certificate.RawData;
    }

    [Fact]
    public void A_certificate_is_one_PEM_block_ending_in_a_newline()
    {
        var der = SelfSigned("one");
        var pem = Pem.Certificate(der);
        Assert.Equal(new string(PemEncoding.Write("CERTIFICATE", der)) + "\n", pem);
        Assert.Equal(der, X509Certificate2.CreateFromPem(pem).RawData);
    }

    [Fact]
    public void Chains_answer_their_own_PEM_when_they_alternate_and_when_an_array_changes_in_place()
    {
        byte[] a = SelfSigned("a"), b = SelfSigned("b"), c = SelfSigned("c");
        var first = Pem.Certificates([a, b]);
        Assert.Equal(Pem.Certificate(a) + Pem.Certificate(b), first);
        Assert.Equal(Pem.Certificate(a) + Pem.Certificate(c), Pem.Certificates([a, c]));
        Assert.Equal(first, Pem.Certificates([a.ToArray(), b.ToArray()]));
        Assert.Equal(Pem.Certificate(a), Pem.Certificates([a]));
        Assert.Equal("", Pem.Certificates([]));

        // The cache holds its own copies: changing a caller's array afterwards changes the next answer.
        var mutable = b.ToArray();
        Assert.Equal(first, Pem.Certificates([a, mutable]));
        mutable[^1] ^= 0xFF;
        Assert.NotEqual(first, Pem.Certificates([a, mutable]));
    }
}
