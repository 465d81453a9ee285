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
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    private readonly ICertificateAuthority _ca;
    private readonly CaOptions _options;
    private readonly ILogger<ServerCertificateProvider> _logger;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private volatile Current? _current;

    public ServerCertificateProvider(
        ICertificateAuthority ca, IOptions<CaOptions> options, ILogger<ServerCertificateProvider> logger, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ca = ca;
        _options = options.Value;
        _logger = logger;
        _time = timeProvider;
    }

    /// <summary>Where the certificate is persisted.</summary>
    public string FilePath => Path.Combine(CaPaths.TlsDirectory(_options), FileName);

    /// <summary>The current server certificate, with its private key; issues or renews it first when needed.</summary>
    public X509Certificate2 GetCertificate() => GetCurrent().Certificate;

    /// <summary>The current certificate with its issuing chain (root excluded), for Kestrel's ServerCertificateChain / SslStream.</summary>
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
                current = (current is null ? TryLoad(now) : null) ?? IssueAndStore(now);
            }
            catch (Exception ex) when (current is not null && now < current.NotAfter)
            {
                _logger.LogError(ex, "Renewing the gateway's TLS server certificate failed; keeping the current one until {NotAfter:u}.", current.NotAfter);
                current = current with { RenewAt = now + RetryAfterFailure };
            }

            _current = current;
            return current;
        }
    }

    private Current? TryLoad(DateTimeOffset now)
    {
        string path = FilePath;
        if (!File.Exists(path))
        {
            return null;
        }

        try
        {
            string password = CaPassphrase.Resolve(_options, logger: null);
            X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12FromFile(path, password, KeyStorageFlags);
            string? problem = Check(certificate, now);
            if (problem is null)
            {
                _logger.LogInformation("Reusing the gateway's TLS server certificate from {Path}, valid until {NotAfter:u}.", path, certificate.NotAfter.ToUniversalTime());
                return Wrap(certificate);
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

        Current probe = Wrap(certificate);
        if (now >= probe.RenewAt)
        {
            return $"it is due for renewal since {probe.RenewAt:u}";
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

    private Current IssueAndStore(DateTimeOffset now)
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
        IssuedCertificate issued = _ca.Issue(template);

        string password = CaPassphrase.Resolve(_options, _options.Import.IsConfigured ? _logger : null);
        byte[] pkcs12;
        using (X509Certificate2 publicOnly = X509CertificateLoader.LoadCertificate(issued.Der))
        using (X509Certificate2 withKey = publicOnly.CopyWithPrivateKey(key))
        {
            pkcs12 = withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
        }

        string directory = CaPaths.TlsDirectory(_options);
        SecureFile.CreateDirectory(directory);
        SecureFile.WriteAllBytes(FilePath, pkcs12);

        // Re-import from PKCS#12 so the key is one SslStream can use on every platform (not an ephemeral CopyWithPrivateKey key).
        X509Certificate2 certificate = X509CertificateLoader.LoadPkcs12(pkcs12, password, KeyStorageFlags);
        _logger.LogInformation(
            "Issued the gateway's TLS server certificate {Serial} for {HostNames}, valid until {NotAfter:u}, stored in {Path}.",
            issued.Serial, string.Join(", ", hostNames), issued.NotAfter, FilePath);
        return Wrap(certificate);
    }

    private Current Wrap(X509Certificate2 certificate)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        DateTimeOffset renewAt = notBefore + ((notAfter - notBefore) * 2 / 3);
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
        return new Current(certificate, notAfter, renewAt, context);
    }

    private static string Normalize(string host) => IPAddress.TryParse(host, out IPAddress? address) ? address.ToString() : host;

    private static X509KeyStorageFlags KeyStorageFlags =>
        OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;

    private sealed record Current(X509Certificate2 Certificate, DateTimeOffset NotAfter, DateTimeOffset RenewAt, Lazy<SslStreamCertificateContext> Context);
}
