using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Gateway.Ca.Tests;

/// <summary>Builders shared by the tests.</summary>
internal static class Given
{
    public const string Passphrase = "correct horse battery staple";

    public static CaOptions Options(TempDirectory directory, Action<CaOptions>? configure = null)
    {
        var options = new CaOptions { DataDir = directory.Path, Passphrase = Passphrase };
        configure?.Invoke(options);
        return options;
    }

    public static CertificateAuthority Ca(CaOptions options, ILogger<CertificateAuthority>? logger = null, TimeProvider? time = null) =>
        new(Microsoft.Extensions.Options.Options.Create(options), logger ?? NullLogger<CertificateAuthority>.Instance, time ?? TimeProvider.System);

    public static byte[] P256Spki()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportSubjectPublicKeyInfo();
    }

    public static byte[] Name(string distinguishedName) => new X500DistinguishedName(distinguishedName).RawData;

    public static byte[] EmptyName() => [0x30, 0x00];

    public static CertificateTemplate Template(
        byte[]? spki = null,
        byte[]? subject = null,
        IReadOnlyList<SubjectAltName>? sans = null,
        DateTimeOffset? notBefore = null,
        DateTimeOffset? notAfter = null,
        int keyUsage = (int)X509KeyUsageFlags.DigitalSignature,
        IReadOnlyList<string>? ekus = null,
        IReadOnlyList<string>? policies = null,
        IReadOnlyList<ExtensionData>? extensions = null,
        string issuerId = "")
    {
        DateTimeOffset now = DateTimeOffset.UtcNow;
        return new CertificateTemplate(
            IssuerId: issuerId,
            Subject: subject ?? Name("CN=device-1.example.com,O=Example"),
            SubjectPublicKeyInfo: spki ?? P256Spki(),
            SubjectAltNames: sans ?? [SubjectAltName.Dns("device-1.example.com")],
            NotBefore: notBefore ?? now.AddMinutes(-5),
            NotAfter: notAfter ?? now.AddDays(30),
            KeyUsage: keyUsage,
            ExtendedKeyUsages: ekus ?? ["1.3.6.1.5.5.7.3.2"],
            CertificatePolicies: policies ?? [],
            AdditionalExtensions: extensions ?? []);
    }

    /// <summary>Builds <paramref name="certificate"/>'s chain against the CA's root only (custom trust, no revocation).</summary>
    public static X509Chain Chain(ICertificateAuthority ca, X509Certificate2 certificate, IReadOnlyList<byte[]> chainDer)
    {
        var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(X509CertificateLoader.LoadCertificate(ca.RootCertificateDer));
        foreach (byte[] der in chainDer)
        {
            chain.ChainPolicy.ExtraStore.Add(X509CertificateLoader.LoadCertificate(der));
        }

        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        return chain;
    }

    public static void AssertVerifies(ICertificateAuthority ca, IssuedCertificate issued)
    {
        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        using X509Chain chain = Chain(ca, certificate, issued.ChainDer);
        bool built = chain.Build(certificate);
        Assert.True(built, string.Join("; ", chain.ChainStatus.Select(s => $"{s.Status}: {s.StatusInformation}")));
    }

    /// <summary>The signature AlgorithmIdentifier OID of a certificate.</summary>
    public static string SignatureAlgorithmOid(byte[] certificateDer)
    {
        var reader = new AsnReader(certificateDer, AsnEncodingRules.DER).ReadSequence();
        reader.ReadEncodedValue();
        return reader.ReadSequence().ReadObjectIdentifier();
    }

    public static byte[] TestData(string name) => File.ReadAllBytes(Path.Combine(AppContext.BaseDirectory, "testdata", name));
}
