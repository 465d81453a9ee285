using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace Gateway.Pkix.Tests;

/// <summary>CSRs made with the BCL's <see cref="CertificateRequest"/>, and the committed files under testdata/.</summary>
internal static class TestCsrs
{
    /// <summary>
    /// Creates a CSR for <paramref name="kind"/>: p256, p384 (SHA-384), p521 (SHA-512), rsa2048 (PKCS#1 SHA-256),
    /// rsa3072-sha384, rsa2048-pss (RSASSA-PSS SHA-256).
    /// </summary>
    public static byte[] Create(string kind, string subject = "CN=test.example.test", Action<CertificateRequest>? configure = null)
    {
        var name = new X500DistinguishedName(subject);
        switch (kind)
        {
            case "p256":
            case "p384":
            case "p521":
            {
                var (curve, hash) = kind switch
                {
                    "p256" => (ECCurve.NamedCurves.nistP256, HashAlgorithmName.SHA256),
                    "p384" => (ECCurve.NamedCurves.nistP384, HashAlgorithmName.SHA384),
                    _ => (ECCurve.NamedCurves.nistP521, HashAlgorithmName.SHA512),
                };
                using var key = ECDsa.Create(curve);
                var request = new CertificateRequest(name, key, hash);
                configure?.Invoke(request);
                return request.CreateSigningRequest();
            }

            case "rsa2048":
            case "rsa3072-sha384":
            case "rsa2048-pss":
            {
                var (bits, hash, padding) = kind switch
                {
                    "rsa2048" => (2048, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1),
                    "rsa3072-sha384" => (3072, HashAlgorithmName.SHA384, RSASignaturePadding.Pkcs1),
                    _ => (2048, HashAlgorithmName.SHA256, RSASignaturePadding.Pss),
                };
                using var key = RSA.Create(bits);
                var request = new CertificateRequest(name, key, hash, padding);
                configure?.Invoke(request);
                return request.CreateSigningRequest();
            }

            default:
                throw new ArgumentOutOfRangeException(nameof(kind), kind, "unknown CSR kind");
        }
    }

    /// <summary>A challengePassword attribute for <see cref="CertificateRequest.OtherRequestAttributes"/>.</summary>
    public static AsnEncodedData ChallengePassword(string password, UniversalTagNumber type = UniversalTagNumber.UTF8String) =>
        new(CsrBuilder.ChallengePasswordOid, EncodeString(type, password));

    /// <summary>Encodes a character string, including UniversalString (UTF-32BE), which AsnWriter does not write.</summary>
    public static byte[] EncodeString(UniversalTagNumber type, string value)
    {
        var writer = new AsnWriter(AsnEncodingRules.DER);
        if (type == UniversalTagNumber.UniversalString)
        {
            // Written as an OCTET STRING, then retagged: same length rules, different tag byte.
            writer.WriteOctetString(new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(value));
            var encoded = writer.Encode();
            encoded[0] = (byte)UniversalTagNumber.UniversalString;
            return encoded;
        }

        writer.WriteCharacterString(type, value);
        return writer.Encode();
    }

    public static byte[] ReadTestdata(string file) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", file));
}
