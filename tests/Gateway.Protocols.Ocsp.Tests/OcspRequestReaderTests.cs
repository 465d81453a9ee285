using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Http;

namespace Gateway.Protocols.Ocsp.Tests;

/// <summary>Parsing OCSP requests: the committed inputs under testdata/ (see its README) and the GET encodings.</summary>
public sealed class OcspRequestReaderTests
{
    private static byte[] TestData(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", name));

    private static X509Certificate2 Pem(string name) => X509Certificate2.CreateFromPem(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "testdata", name)));

    [Fact]
    public void TryRead_opensslSha1Request_yieldsTheCertIdOfTheLeaf()
    {
        using X509Certificate2 issuer = Pem("foreign-ca.pem");
        using X509Certificate2 leaf = Pem("leaf-a.pem");

        Assert.True(OcspRequestReader.TryRead(TestData("valid-sha1.der"), out var request, out var error), error);

        Assert.Equal("1.3.14.3.2.26", request!.HashAlgorithmOid);
        Assert.Equal(SHA1.HashData(issuer.SubjectName.RawData), request.IssuerNameHash);
        Assert.Equal(SHA1.HashData(issuer.PublicKey.EncodedKeyValue.RawData), request.IssuerKeyHash);
        Assert.Equal(leaf.SerialNumberBytes.ToArray(), request.SerialNumber);
        Assert.Null(request.Nonce);
    }

    [Fact]
    public void TryRead_opensslSha256RequestWithNonce_keepsTheNonceExtensionValue()
    {
        using X509Certificate2 issuer = Pem("foreign-ca.pem");

        Assert.True(OcspRequestReader.TryRead(TestData("valid-sha256-nonce.der"), out var request, out var error), error);

        Assert.Equal("2.16.840.1.101.3.4.2.1", request!.HashAlgorithmOid);
        Assert.Equal(SHA256.HashData(issuer.SubjectName.RawData), request.IssuerNameHash);
        Assert.NotNull(request.Nonce);
        Assert.Equal(0x04, request.Nonce![0]); // OpenSSL wraps the random bytes in an OCTET STRING
        Assert.Equal(18, request.Nonce.Length);
    }

    [Fact]
    public void TryRead_nonCriticalUnknownExtension_isIgnored()
    {
        Assert.True(OcspRequestReader.TryRead(TestData("noncritical-unknown-extension.der"), out var request, out var error), error);
        Assert.Equal([0x12, 0x34], request!.SerialNumber);
    }

    [Fact]
    public void TryRead_serialOfTwentyOctets_isAccepted()
    {
        Assert.True(OcspRequestReader.TryRead(TestData("serial-20-octets.der"), out var request, out var error), error);
        Assert.Equal(20, request!.SerialNumber.Length);
    }

    [Theory]
    [InlineData("empty.der", "empty")]
    [InlineData("garbage.bin", "not a DER OCSPRequest")]
    [InlineData("truncated.der", "not a DER OCSPRequest")]
    [InlineData("trailing-data.der", "not a DER OCSPRequest")]
    [InlineData("wrong-outer-length.der", "not a DER OCSPRequest")]
    [InlineData("certificate-not-request.der", "not a DER OCSPRequest")]
    [InlineData("no-requests.der", "no certificate")]
    [InlineData("two-requests.der", "2 certificates")]
    [InlineData("md5-certid.der", "1.2.840.113549.2.5 is not supported")]
    [InlineData("sha1-certid-32-byte-hashes.der", "not 20")]
    [InlineData("sha256-certid-with-parameters.der", "has parameters")]
    [InlineData("nonce-too-long.der", "nonce")]
    [InlineData("critical-unknown-extension.der", "critical extension 1.2.3.4.5")]
    [InlineData("serial-21-octets.der", "21 octets")]
    [InlineData("serial-8-kib.der", "8192 octets")]
    public void TryRead_malformedInput_failsWithAReasonInsteadOfThrowing(string file, string reason)
    {
        Assert.False(OcspRequestReader.TryRead(TestData(file), out var request, out var error));

        Assert.Null(request);
        Assert.Contains(reason, error);
    }

    [Fact]
    public void TryRead_everyPrefixAndEveryByteFlipOfAValidRequest_neverThrows()
    {
        byte[] valid = TestData("valid-sha256-nonce.der");
        for (int length = 0; length < valid.Length; length++)
        {
            Assert.False(OcspRequestReader.TryRead(valid[..length], out _, out _), $"prefix of {length} bytes parsed");
        }

        for (int i = 0; i < valid.Length; i++)
        {
            foreach (byte value in new byte[] { 0x00, 0xFF, (byte)(valid[i] ^ 0x80) })
            {
                byte[] mutated = (byte[])valid.Clone();
                mutated[i] = value;
                OcspRequestReader.TryRead(mutated, out _, out _); // true or false, never an exception
            }
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void DecodeGetPath_acceptsEscapedPlainAndUrlSafeBase64(bool escape, bool urlSafe)
    {
        var inputs = Directory.GetFiles(Path.Combine(AppContext.BaseDirectory, "testdata"), "*.der").Select(File.ReadAllBytes).Where(b => b.Length > 0).ToList();
        var encoded = inputs.Select(Convert.ToBase64String).ToList();
        Assert.Contains(encoded, b => b.Contains('+', StringComparison.Ordinal));
        Assert.Contains(encoded, b => b.Contains('/', StringComparison.Ordinal));
        Assert.Contains(encoded, b => b.EndsWith("==", StringComparison.Ordinal));

        foreach (var (der, b64) in inputs.Zip(encoded))
        {
            string text = urlSafe ? b64.Replace('+', '-').Replace('/', '_').TrimEnd('=') : b64;
            if (escape)
            {
                // As a client sends it, then as Kestrel hands it on: every escape decoded except %2F.
                text = Uri.UnescapeDataString(Uri.EscapeDataString(text).Replace("%2F", "%252F", StringComparison.Ordinal));
            }

            Assert.Equal(der, OcspEndpoints.DecodeGetPath(new PathString("/ocsp/" + text)));
        }
    }

    [Theory]
    [InlineData("/ocsp/")]
    [InlineData("/ocsp/!!!not-base64!!!")]
    [InlineData("/ocsp/%E0%A4%A")]
    public void DecodeGetPath_undecodable_isNull(string path)
    {
        Assert.Null(OcspEndpoints.DecodeGetPath(new PathString(path)));
    }
}
