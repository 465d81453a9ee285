using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Net.Security;
using Gateway.Contracts;
using Microsoft.Extensions.Logging;

namespace Gateway.Ca;

/// <summary>
/// This node's certificate for silo-to-silo mutual TLS in cluster mode: issued by the default issuer for this cluster
/// (URI name <see cref="SiloCertificateValidator.ClusterUri"/>, serverAuth and clientAuth), a fresh P-256 key kept in
/// memory only (never written to disk), issued at the first handshake or start and renewed when less than a third of
/// <see cref="Lifetime"/> is left. Cheap enough to call on every handshake.
/// </summary>
public sealed class SiloCertificateProvider : IDisposable
{
    /// <summary>How long a silo certificate is valid.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(30);

    private const string ServerAuth = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuth = "1.3.6.1.5.5.7.3.2";
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private readonly ICertificateAuthority _ca;
    private readonly IGatewayCertificateRecorder _recorder;
    private readonly string _clusterUri;
    private readonly ILogger<SiloCertificateProvider> _logger;
    private readonly RenewingTlsCertificate _certificate;

    /// <param name="ca">The gateway's CA (the one every node shares).</param>
    /// <param name="clusterUri">This cluster's identity, from <see cref="SiloCertificateValidator.ClusterUri"/>.</param>
    public SiloCertificateProvider(ICertificateAuthority ca, IGatewayCertificateRecorder recorder, string clusterUri, ILogger<SiloCertificateProvider> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterUri);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ca = ca;
        _recorder = recorder;
        _clusterUri = clusterUri;
        _logger = logger;
        _certificate = new RenewingTlsCertificate(ca, timeProvider, logger, "this node's silo certificate");
    }

    /// <summary>The current silo certificate, with its private key; issues or renews it first when needed.</summary>
    public X509Certificate2 GetCertificate() => GetCurrent().Certificate;

    /// <summary>The current certificate with the issuing CA (root excluded), for SslStream's server and client side.</summary>
    public SslStreamCertificateContext GetCertificateContext() => GetCurrent().Context.Value;

    public void Dispose() => _certificate.Dispose();

    private RenewingTlsCertificate.Current GetCurrent() => _certificate.Get(_ => null, IssueNew);

    private X509Certificate2 IssueNew(DateTimeOffset now)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName("gateway silo");
        var template = new CertificateTemplate(
            IssuerId: _ca.DefaultIssuerId,
            Subject: subject.Build().RawData,
            SubjectPublicKeyInfo: key.ExportSubjectPublicKeyInfo(),
            SubjectAltNames: [SubjectAltName.Uri(_clusterUri)],
            NotBefore: now - Backdate,
            NotAfter: now + Lifetime,
            KeyUsage: (int)X509KeyUsageFlags.DigitalSignature,
            ExtendedKeyUsages: [ServerAuth, ClientAuth],
            CertificatePolicies: [],
            AdditionalExtensions: []);
        IssuedCertificate issued = Issue(template);

        // A random PKCS#12 password, never stored: the key lives in memory only.
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        X509Certificate2 certificate = RenewingTlsCertificate.WithKey(issued.Der, key, password, out byte[] pkcs12);
        CryptographicOperations.ZeroMemory(pkcs12);
        _logger.LogInformation(
            "Issued this node's silo certificate {Serial} for {ClusterUri}, valid until {NotAfter:u}.", issued.Serial, _clusterUri, issued.NotAfter);
        return certificate;
    }

    /// <summary>The one place a silo certificate is signed: recorded in the store before it is used (architecture rule 5).</summary>
    private IssuedCertificate Issue(CertificateTemplate template) => GatewayCertificates.Issue(_ca, _recorder, template, GatewayCertificates.Silo);
}
