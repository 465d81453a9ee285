using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Ca;

/// <summary>
/// The gateway's own TLS server certificate, issued by the default issuer for <c>Gateway:Ca:ServerTls:HostNames</c>,
/// kept in memory and in <c>&lt;DataDir&gt;/tls/server.p12</c> (PKCS#12, AES-256, encrypted with the CA passphrase, 0600),
/// reused across restarts while valid and renewed when less than a third of its lifetime is left.
/// <see cref="GetCertificate"/> is cheap enough to call on every TLS handshake (Kestrel's ServerCertificateSelector).
/// </summary>
public sealed class ServerCertificateProvider : IDisposable
{
    public const string FileName = "server.p12";

    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private readonly ICertificateAuthority _ca;
    private readonly IGatewayCertificateRecorder _recorder;
    private readonly CaOptions _options;
    private readonly ILogger<ServerCertificateProvider> _logger;
    private readonly RenewingTlsCertificate _certificate;

    public ServerCertificateProvider(
        ICertificateAuthority ca, IGatewayCertificateRecorder recorder, IOptions<CaOptions> options, ILogger<ServerCertificateProvider> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ca = ca;
        _recorder = recorder;
        _options = options.Value;
        _logger = logger;
        _certificate = new RenewingTlsCertificate(ca, timeProvider, logger, "the gateway's TLS server certificate");
    }

    /// <summary>Where the certificate is persisted.</summary>
    public string FilePath => Path.Combine(CaPaths.TlsDirectory(_options), FileName);

    /// <summary>The current server certificate, with its private key; issues or renews it first when needed.</summary>
    public X509Certificate2 GetCertificate() => GetCurrent().Certificate;

    /// <summary>The current certificate with its issuing chain (root excluded), for Kestrel's ServerCertificateChain / SslStream.</summary>
    public SslStreamCertificateContext GetCertificateContext() => GetCurrent().Context.Value;

    /// <summary>The current certificate's serial (lowercase hex); null before the first.</summary>
    public string? CurrentSerial => _certificate.CurrentSerial;

    /// <summary>
    /// The certificate <paramref name="serial"/> was revoked: when it is the current one, a new one is issued (and
    /// stored) now, so later handshakes present it. True when it was the current one.
    /// </summary>
    public bool ReplaceRevoked(string serial)
    {
        if (!_certificate.Replace(serial)) return false;
        GetCurrent();
        return true;
    }

    public void Dispose() => _certificate.Dispose();

    private RenewingTlsCertificate.Current GetCurrent() => _certificate.Get(TryLoad, IssueAndStore);

    private X509Certificate2? TryLoad(DateTimeOffset now)
    {
        string path = FilePath;
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            string password = CaPassphrase.Resolve(_options, logger: null);
            X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, RenewingTlsCertificate.KeyStorageFlags);
            string? problem = Check(certificate, now);
            if (problem is null)
            {
                _logger.LogInformation("Reusing the gateway's TLS server certificate from {Path}, valid until {NotAfter:u}.", path, certificate.NotAfter.ToUniversalTime());
                return certificate;
            }

            certificate.Dispose();
            _logger.LogInformation("Not reusing the TLS server certificate in {Path}: {Reason}.", path, problem);
        }
        catch (CryptographicException ex)
        {
            _logger.LogWarning(ex, "Cannot read the TLS server certificate in {Path}; issuing a new one.", path);
        }

        return null;
    }

    /// <summary>Null if <paramref name="certificate"/> can serve: key, chain to the current issuer, host names, renewal time.</summary>
    private string? Check(X509Certificate2 certificate, DateTimeOffset now)
    {
        if (!certificate.HasPrivateKey)
        {
            return "it has no private key";
        }

        DateTimeOffset renewAt = RenewingTlsCertificate.RenewAt(certificate);
        if (now >= renewAt)
        {
            return $"it is due for renewal since {renewAt:u}";
        }

        IssuingCa issuer = _ca.GetIssuer(_ca.DefaultIssuerId);
        using (var root = X509CertificateLoader.LoadCertificate(_ca.RootCertificateDer))
        using (var chain = new X509Chain())
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.Add(root);
            foreach (byte[] der in issuer.ChainDer)
            {
                chain.ChainPolicy.ExtraStore.Add(X509CertificateLoader.LoadCertificate(der));
            }

            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            chain.ChainPolicy.VerificationTime = now.UtcDateTime;
            bool issuedByCurrent = chain.Build(certificate)
                && chain.ChainElements.Count > 1
                && chain.ChainElements[1].Certificate.RawData.AsSpan().SequenceEqual(issuer.Certificate.RawData);
            foreach (X509Certificate2 extra in chain.ChainPolicy.ExtraStore)
            {
                extra.Dispose();
            }

            if (!issuedByCurrent)
            {
                return "it was not issued by the current issuing CA";
            }
        }

        var expected = new HashSet<string>(_options.ServerTls.EffectiveHostNames.Select(Normalize), StringComparer.OrdinalIgnoreCase);
        var actual = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (X509SubjectAlternativeNameExtension san in certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>())
        {
            actual.UnionWith(san.EnumerateDnsNames());
            actual.UnionWith(san.EnumerateIPAddresses().Select(a => a.ToString()));
        }

        return expected.SetEquals(actual) ? null : $"its names ({string.Join(", ", actual)}) differ from the configured ones";
    }

    private X509Certificate2 IssueAndStore(DateTimeOffset now)
    {
        IReadOnlyList<string> hostNames = _options.ServerTls.EffectiveHostNames;
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName(hostNames[0]);

        var template = new CertificateTemplate(
            IssuerId: _ca.DefaultIssuerId,
            Subject: subject.Build().RawData,
            SubjectPublicKeyInfo: key.ExportSubjectPublicKeyInfo(),
            SubjectAltNames: hostNames.Select(h => IPAddress.TryParse(h, out _) ? SubjectAltName.Ip(Normalize(h)) : SubjectAltName.Dns(h)).ToArray(),
            NotBefore: now - Backdate,
            NotAfter: now + TimeSpan.FromDays(_options.ServerTls.LifetimeDays),
            KeyUsage: (int)X509KeyUsageFlags.DigitalSignature,
            ExtendedKeyUsages: [Oids.ServerAuth],
            CertificatePolicies: [],
            AdditionalExtensions: []);
        IssuedCertificate issued = GatewayCertificates.Issue(_ca, _recorder, template, GatewayCertificates.TlsServer);

        string password = CaPassphrase.Resolve(_options, _options.Import.IsConfigured ? _logger : null);
        X509Certificate2 certificate = RenewingTlsCertificate.WithKey(issued.Der, key, password, out byte[] pkcs12);
        string directory = CaPaths.TlsDirectory(_options);
        SecureFile.CreateDirectory(directory);
        SecureFile.WriteAllBytes(FilePath, pkcs12);
        _logger.LogInformation(
            "Issued the gateway's TLS server certificate {Serial} for {HostNames}, valid until {NotAfter:u}, stored in {Path}.",
            issued.Serial, string.Join(", ", hostNames), issued.NotAfter, FilePath);
        return certificate;
    }

    private static string Normalize(string host) => IPAddress.TryParse(host, out IPAddress? address) ? address.ToString() : host;

}
