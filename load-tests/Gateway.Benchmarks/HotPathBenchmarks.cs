using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using BenchmarkDotNet.Attributes;
using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Pkix.Csr;
using Gateway.Policy;

namespace Gateway.Benchmarks;

/// <summary>
/// One enrollment's CPU-bound steps, each on its own, with what the platform costs underneath for comparison: a pool
/// of fresh P-256 CSRs (as the load harness sends) is cycled so that no step benefits from a repeated input.
/// </summary>
[MemoryDiagnoser]
public class HotPathBenchmarks
{
    private const int PoolSize = 1024;
    private byte[][] _csrs = [];
    private Pkcs10Request[] _parsed = [];
    private PolicyInput[] _inputs = [];
    private CertificateTemplate[] _templates = [];
    private CompiledProfile _profile = null!;
    private CertificateAuthority _ca = null!;
    private ECDsa _caKey = null!;
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        _csrs = new byte[PoolSize][];
        for (var i = 0; i < PoolSize; i++)
        {
            using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            var name = $"d{i}.load.test";
            var request = new CertificateRequest("CN=" + name, key, HashAlgorithmName.SHA256);
            var san = new SubjectAlternativeNameBuilder();
            san.AddDnsName(name);
            request.CertificateExtensions.Add(san.Build());
            _csrs[i] = request.CreateSigningRequest();
        }
        _parsed = [.. _csrs.Select(c => Pkcs10Request.Parse(c))];
        var now = DateTimeOffset.UtcNow;
        var requester = new Requester(AuthenticationMethods.ClientCertificate, "CN=load-device-0001");
        _inputs = [.. _parsed.Select(c => new PolicyInput(EnrollmentProtocol.Est, requester, c.Subject, c.SubjectText, c.SubjectPublicKeyInfo,
            new KeyDescription(c.Key.Algorithm, c.Key.SizeBits, c.Key.Curve),
            [.. c.SubjectAltNames.Select(s => new SubjectAltName((SubjectAltNameType)s.Kind, s.Value))],
            [.. c.RequestedExtensions.Select(e => new ExtensionData(e.Oid, e.Critical, e.Value))], null, now))];

        var yaml = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "policies", "iot-device.yaml"));
        var parsed = ProfileParser.Parse(yaml, "iot-device.yaml");
        if (!parsed.Success) throw new InvalidOperationException(string.Join("; ", parsed.Errors));
        _profile = parsed.Profiles[0];

        (_ca, _caKey) = CreateCa();
        _templates = new CertificateTemplate[PoolSize];
        for (var i = 0; i < PoolSize; i++)
        {
            var decision = _profile.Evaluate(_inputs[i]);
            _templates[i] = decision.Template ?? throw new InvalidOperationException("iot-device did not allow the benchmark CSR: " + decision.Summary);
        }
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _ca.Dispose();
        _caKey.Dispose();
    }

    private int Next() => _next = (_next + 1) & (PoolSize - 1);

    [Benchmark(Description = "CSR: Pkcs10Request.Parse")]
    public Pkcs10Request CsrParse() => Pkcs10Request.Parse(_csrs[Next()]);

    [Benchmark(Description = "CSR: parse + VerifySignature (what the grain does)")]
    public bool CsrParseAndVerify() => Pkcs10Request.Parse(_csrs[Next()]).VerifySignature();

    [Benchmark(Description = "platform: ECDsa import SPKI only")]
    public int ImportSpki()
    {
        using var ecdsa = ECDsa.Create();
        ecdsa.ImportSubjectPublicKeyInfo(_parsed[Next()].SubjectPublicKeyInfo, out var read);
        return read;
    }

    [Benchmark(Description = "platform: CertificateRequest.LoadSigningRequest (parse + verify)")]
    public CertificateRequest PlatformLoadSigningRequest() =>
        CertificateRequest.LoadSigningRequest(_csrs[Next()], HashAlgorithmName.SHA256, CertificateRequestLoadOptions.Default);

    [Benchmark(Description = "policy: iot-device Evaluate")]
    public Decision PolicyEvaluate() => _profile.Evaluate(_inputs[Next()]);

    [Benchmark(Description = "CA: Issue (TBS + sign + encode)")]
    public IssuedCertificate CaIssue() => _ca.Issue(_templates[Next()]);

    [Benchmark(Description = "platform: ECDsa.SignData P-256 of 256 bytes")]
    public byte[] PlatformSign() => _caKey.SignData(_csrs[Next()].AsSpan(0, 256), HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);

    /// <summary>A throwaway P-256 issuing CA (self-signed) held in memory.</summary>
    private static (CertificateAuthority Ca, ECDsa Key) CreateCa()
    {
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=Benchmark Issuing CA", key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(5));
        var issuer = new IssuingCa(CertificateAuthority.DefaultIssuer, certificate, [certificate.RawData], new EcdsaSigner(key, ownsKey: false));
        return (new CertificateAuthority(issuer, certificate.RawData), key);
    }
}
