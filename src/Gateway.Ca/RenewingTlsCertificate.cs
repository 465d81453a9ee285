using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Logging;

namespace Gateway.Ca;

/// <summary>
/// A TLS certificate of the gateway's own (HTTPS server, silo), issued by its CA: held in memory with its SslStream
/// context (the issuing chain, root excluded), renewed once two thirds of its life have passed, and kept, with an error
/// logged and a retry a minute later, while renewal fails and it is still valid. Cheap enough for every handshake.
/// </summary>
internal sealed class RenewingTlsCertificate(ICertificateAuthority ca, TimeProvider time, ILogger logger, string what) : IDisposable
{
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private volatile Current? _current;

    /// <summary>
    /// The current certificate: <paramref name="load"/> (a stored one, or null) when there is none yet, else or then
    /// <paramref name="issue"/> when it is missing or due for renewal.
    /// </summary>
    public Current Get(Func<DateTimeOffset, X509Certificate2?> load, Func<DateTimeOffset, X509Certificate2> issue)
    {
        var current = _current;
        if (current is not null && time.GetUtcNow() < current.RenewAt) return current;

        lock (_gate)
        {
            current = _current;
            var now = time.GetUtcNow();
            if (current is not null && now < current.RenewAt) return current;
            try
            {
                current = Wrap((current is null ? load(now) : null) ?? issue(now));
            }
            catch (Exception ex) when (current is not null && now < current.NotAfter)
            {
                logger.LogError(ex, "Renewing {What} failed; keeping the current one until {NotAfter:u}.", what, current.NotAfter);
                current = current with { RenewAt = now + RetryAfterFailure };
            }

            _current = current;
            return current;
        }
    }

    /// <summary>The current certificate's serial as the store writes it (lowercase hex, no leading zero bytes); null before the first.</summary>
    public string? CurrentSerial => _current?.Certificate is { } certificate ? SerialOf(certificate) : null;

    /// <summary>
    /// When <paramref name="serial"/> is the current certificate (it was revoked): due for renewal now, so the next
    /// <see cref="Get"/> issues a new one (never reloading the stored, revoked one). True when it was the current one.
    /// </summary>
    public bool Replace(string serial)
    {
        lock (_gate)
        {
            if (_current is not { } current || !string.Equals(SerialOf(current.Certificate), Normalise(serial), StringComparison.Ordinal)) return false;
            _current = current with { RenewAt = DateTimeOffset.MinValue };
            logger.LogWarning("{What} {Serial} was revoked; a new one is issued now.", what, serial);
            return true;
        }
    }

    internal static string SerialOf(X509Certificate2 certificate) => Normalise(certificate.SerialNumber);

    private static string Normalise(string serial)
    {
        var hex = serial.ToLowerInvariant();
        while (hex.Length > 2 && hex.StartsWith("00", StringComparison.Ordinal)) hex = hex[2..];
        return hex;
    }

    /// <summary>When a certificate is due for renewal: after two thirds of its validity.</summary>
    public static DateTimeOffset RenewAt(X509Certificate2 certificate)
    {
        var notBefore = new DateTimeOffset(certificate.NotBefore.ToUniversalTime());
        var notAfter = new DateTimeOffset(certificate.NotAfter.ToUniversalTime());
        return notBefore + ((notAfter - notBefore) * 2 / 3);
    }

    /// <summary>
    /// The issued certificate with <paramref name="key"/>, through PKCS#12 under <paramref name="password"/> so SslStream
    /// gets a key it can use on every platform (not an ephemeral CopyWithPrivateKey key); the PKCS#12 bytes are returned
    /// for callers that keep them.
    /// </summary>
    public static X509Certificate2 WithKey(byte[] certificateDer, ECDsa key, string password, out byte[] pkcs12)
    {
        using (var publicOnly = X509CertificateLoader.LoadCertificate(certificateDer))
        using (var withKey = publicOnly.CopyWithPrivateKey(key))
        {
            pkcs12 = withKey.ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password);
        }

        return X509CertificateLoader.LoadPkcs12(pkcs12, password, KeyStorageFlags);
    }

    public static X509KeyStorageFlags KeyStorageFlags =>
        OperatingSystem.IsLinux() ? X509KeyStorageFlags.EphemeralKeySet : X509KeyStorageFlags.DefaultKeySet;

    public void Dispose() => _current?.Certificate.Dispose();

    private Current Wrap(X509Certificate2 certificate)
    {
        var issuer = ca.GetIssuer(ca.DefaultIssuerId);
        var context = new Lazy<SslStreamCertificateContext>(() =>
        {
            var intermediates = new X509Certificate2Collection();
            foreach (var der in issuer.ChainDer.Where(d => !d.AsSpan().SequenceEqual(ca.RootCertificateDer)))
            {
                intermediates.Add(X509CertificateLoader.LoadCertificate(der));
            }

            return SslStreamCertificateContext.Create(certificate, intermediates, offline: true);
        });
        return new Current(certificate, new DateTimeOffset(certificate.NotAfter.ToUniversalTime()), RenewAt(certificate), context);
    }

    public sealed record Current(X509Certificate2 Certificate, DateTimeOffset NotAfter, DateTimeOffset RenewAt, Lazy<SslStreamCertificateContext> Context);
}
