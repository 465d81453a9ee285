using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Gateway.Ca;
using Gateway.Contracts;

namespace Gateway.Benchmarks;

/// <summary>
/// Issue 12 item 7: the CA's hand-written certificate encoder (<c>CertificateEncoder</c>: AsnWriter TBS, the issuer's
/// <see cref="ISigner"/>, AsnWriter certificate) against the platform's <see cref="CertificateRequest.Create(X500DistinguishedName, X509SignatureGenerator, DateTimeOffset, DateTimeOffset, ReadOnlySpan{byte})"/>
/// with an <see cref="X509SignatureGenerator"/> over the same P-256 key, for the same leaf: P-256 key, two DNS names and
/// an IP address, keyUsage, serverAuth + clientAuth, SKI/AKI, cRLDistributionPoints and authorityInfoAccess. Both produce
/// what the CA returns (DER, serial, subject text, SHA-256 fingerprint); the constant extensions (basicConstraints, AKI,
/// CRL DP, AIA) are built once for the platform path too, as the hand-written encoder keeps them per issuer.
/// </summary>
[MemoryDiagnoser]
public class CertificateEncoderBenchmarks
{
    private const int PoolSize = 256;
    private const string BaseUrl = "https://ca.bench.test";
    private CertificateTemplate[] _templates = [];
    private CertificateAuthority _ca = null!;
    private ECDsa _caKey = null!;
    private X509Certificate2 _caCertificate = null!;
    private X509SignatureGenerator _generator = null!;
    private X509Extension[] _constantExtensions = [];
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Benchmark Issuing CA", _caKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        var now = DateTimeOffset.UtcNow;
        _caCertificate = request.CreateSelfSigned(now.AddDays(-1), now.AddYears(5));
        var issuer = new IssuingCa(CertificateAuthority.DefaultIssuer, _caCertificate, [_caCertificate.RawData], new EcdsaSigner(_caKey, ownsKey: false));
        _ca = new CertificateAuthority(issuer, _caCertificate.RawData, publicBaseUrl: BaseUrl);
        _generator = X509SignatureGenerator.CreateForECDsa(_caKey);

        // The URLs the CA writes (read back from one hand-written certificate, so both paths carry the same ones).
        var sample = X509CertificateLoader.LoadCertificate(_ca.Issue(Template(0, now)).Der);
        _constantExtensions =
        [
            new X509BasicConstraintsExtension(false, false, 0, true),
            X509AuthorityKeyIdentifierExtension.CreateFromCertificate(_caCertificate, includeKeyIdentifier: true, includeIssuerAndSerial: false),
            sample.Extensions["2.5.29.31"]!,
            sample.Extensions["1.3.6.1.5.5.7.1.1"]!,
        ];

        _templates = new CertificateTemplate[PoolSize];
        for (var i = 0; i < PoolSize; i++) _templates[i] = Template(i, now);

        // Same certificate shape from both paths, or the comparison means nothing.
        using var handWritten = X509CertificateLoader.LoadCertificate(HandWritten().Der);
        using var platform = X509CertificateLoader.LoadCertificate(Platform().Der);
        var handWrittenShape = Shape(handWritten);
        var platformShape = Shape(platform);
        if (handWrittenShape != platformShape)
        {
            throw new InvalidOperationException($"The two encoders disagree:\n{handWrittenShape}\n{platformShape}");
        }
    }

    private static string Shape(X509Certificate2 certificate) =>
        string.Join(" ", certificate.Extensions.Select(e => $"{e.Oid!.Value}{(e.Critical ? "!" : "")}:{e.RawData.Length}"))
        + $" {certificate.SignatureAlgorithm.Value} v{certificate.Version}";

    [GlobalCleanup]
    public void Cleanup()
    {
        _ca.Dispose();
        _caCertificate.Dispose();
        _caKey.Dispose();
    }

    private int Next() => _next = (_next + 1) & (PoolSize - 1);

    [Benchmark(Baseline = true, Description = "hand-written: CertificateAuthority.Issue (CertificateEncoder)")]
    public IssuedCertificate HandWritten() => _ca.Issue(_templates[Next()]);

    [Benchmark(Description = "platform: CertificateRequest.Create + X509SignatureGenerator")]
    public IssuedCertificate Platform()
    {
        var template = _templates[Next()];
        var key = PublicKey.CreateFromSubjectPublicKeyInfo(template.SubjectPublicKeyInfo, out _);
        var request = new CertificateRequest(new X500DistinguishedName(template.Subject), key, HashAlgorithmName.SHA256);
        var extensions = request.CertificateExtensions;
        extensions.Add(_constantExtensions[0]);
        extensions.Add(new X509KeyUsageExtension((X509KeyUsageFlags)template.KeyUsage, critical: true));
        var purposes = new OidCollection();
        foreach (var eku in template.ExtendedKeyUsages) purposes.Add(new Oid(eku));
        extensions.Add(new X509EnhancedKeyUsageExtension(purposes, critical: false));
        var san = new SubjectAlternativeNameBuilder();
        foreach (var name in template.SubjectAltNames)
        {
            if (name.Type == SubjectAltNameType.Dns) san.AddDnsName(name.Value);
            else if (name.Type == SubjectAltNameType.Ip) san.AddIpAddress(IPAddress.Parse(name.Value));
        }
        extensions.Add(san.Build());
        extensions.Add(new X509SubjectKeyIdentifierExtension(key, X509SubjectKeyIdentifierHashAlgorithm.Sha1, critical: false));
        extensions.Add(_constantExtensions[1]);
        extensions.Add(_constantExtensions[2]);
        extensions.Add(_constantExtensions[3]);

        Span<byte> serial = stackalloc byte[16];
        RandomNumberGenerator.Fill(serial);
        serial[0] = (byte)((serial[0] & 0x7F) | 0x01);
        using var certificate = request.Create(_caCertificate.SubjectName, _generator, template.NotBefore, template.NotAfter, serial);
        var der = certificate.RawData;
        return new IssuedCertificate(Convert.ToHexStringLower(serial), der, [_caCertificate.RawData], certificate.Subject, _caCertificate.Subject,
            certificate.NotBefore, certificate.NotAfter, Convert.ToHexStringLower(SHA256.HashData(der)));
    }

    private static CertificateTemplate Template(int i, DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var name = $"d{i}.bench.test";
        return new CertificateTemplate(
            CertificateAuthority.DefaultIssuer,
            new X500DistinguishedName("CN=" + name).RawData,
            key.ExportSubjectPublicKeyInfo(),
            [SubjectAltName.Dns(name), SubjectAltName.Dns("www." + name), SubjectAltName.Ip($"10.0.{i / 256}.{i % 256}")],
            now.AddMinutes(-5),
            now.AddDays(90),
            (int)(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement),
            ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"],
            [],
            []);
    }
}
