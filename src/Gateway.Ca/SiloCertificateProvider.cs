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
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    private readonly ICertificateAuthority _ca;
    private readonly string _clusterUri;
    private readonly ILogger<SiloCertificateProvider> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private volatile Current? _current;

    /// <param name="ca">The gateway's CA (the one every node shares).</param>
    /// <param name="clusterUri">This cluster's identity, from <see cref="SiloCertificateValidator.ClusterUri"/>.</param>
    public SiloCertificateProvider(ICertificateAuthority ca, string clusterUri, ILogger<SiloCertificateProvider> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterUri);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ca = ca;
        _clusterUri = clusterUri;
        _logger = logger;
        _time = timeProvider;
    }

    /// <summary>The current silo certificate, with its private key; issues or renews it first when needed.</summary>
    public X509Certificate2 GetCertificate() => GetCurrent().Certificate;

    /// <summary>The current certificate with the issuing CA (root excluded), for SslStream's server and client side.</summary>
    public SslStreamCertificateContext GetCertificateContext() => GetCurrent().Context.Value;

    public void Dispose()
    {
        _current?.Certificate.Dispose();
    }

    private Current GetCurrent()
    {
        Current? current = _current;
        if (current is not null && _time.GetUtcNow() < current.RenewAt)
        {
            return current;
        }

        lock (_gate)
        {
            current = _current;
            DateTimeOffset now = _time.GetUtcNow();
            if (current is not null && now < current.RenewAt)
            {
                return current;
            }

            try
            {
                current = IssueNew(now);
            }
            catch (Exception ex) when (current is not null && now < current.NotAfter)
            {
                _logger.LogError(ex, "Renewing this node's silo certificate failed; keeping the current one until {NotAfter:u}.", current.NotAfter);
                current = current with { RenewAt = now + RetryAfterFailure };
            }

            _current = current;
            return current;
        }
    }

    private Current IssueNew(DateTimeOffset now)
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

        // Through PKCS#12 (random password, never stored) so SslStream gets a key it can use on every platform.
        string password = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        byte[] pkcs12;
        using (X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(issued.Der))
        using (X509Certificate2 withKey = publicOnly.CopyWithPrivateKey(key))
        {
            pkcs12 = withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
        }

        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password, KeyStorageFlags);
        CryptographicOperations.ZeroMemory(pkcs12);
        _logger.LogInformation(
            "Issued this node's silo certificate {Serial} for {ClusterUri}, valid until {NotAfter:u}.", issued.Serial, _clusterUri, issued.NotAfter);

        var notBefore = issued.NotBefore;
        var notAfter = issued.NotAfter;
        IssuingCa issuer = _ca.GetIssuer(_ca.DefaultIssuerId);
        var context = new Lazy<SslStreamCertificateContext>(() =>
        {
            var intermediates = new X509Certificate2Collection();
            foreach (byte[] der in issuer.ChainDer.Where(d => !d.AsSpan().SequenceEqual(_ca.RootCertificateDer)))
            {
                intermediates.Add(X509CertificateLoader.LoadCertificate(der));
            }

            return SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        });
        return new Current(certificate, notAfter, notBefore + ((notAfter - notBefore) * 2 / 3), context);
    }

    /// <summary>
    /// The one place a silo certificate is signed. Every certificate the CA signs is to be recorded in the store
    /// (architecture rule 5): record it here once Ca has a way to.
    /// </summary>
    private IssuedCertificate Issue(CertificateTemplate template) => _ca.Issue(template);

    private static X509KeyStorageFlags KeyStorageFlags =>
        OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;

    private sealed record Current(X509Certificate2 Certificate, DateTimeOffset NotAfter, DateTimeOffset RenewAt, Lazy<SslStreamCertificateContext> Context);
}
