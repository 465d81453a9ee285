using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Microsoft.Extensions.Logging;

namespace Gateway.Ca;

/// <summary>
/// A protocol identity with an RSA-2048 key: issued by the default issuer through <see cref="GatewayCertificates"/> (so
/// recorded in the store before use), kept in <c>&lt;CA directory&gt;/identities/&lt;role&gt;.p12</c> (PKCS#12,
/// AES-256, encrypted with the CA passphrase, 0600) so that a restart and every node sharing the CA directory use the
/// same one, and renewed after two thirds of its life or once the issuing CA has rolled over (answers carry the current
/// generation's chain, so the identity signing them must come from it). The certificate it replaces stays in
/// <c>&lt;role&gt;.previous.p12</c> and keeps decrypting until it expires (clients cache the RA certificate).
/// </summary>
public sealed class RsaProtocolIdentity : IProtocolIdentity, IDisposable
{
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);

    private readonly ICertificateAuthority _ca;
    private readonly IGatewayCertificateRecorder _recorder;
    private readonly CaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly string _commonName;
    private readonly X509KeyUsageFlags _keyUsage;
    private readonly TimeSpan _lifetime;
    private readonly Lock _gate = new();
    private volatile State? _state;

    public RsaProtocolIdentity(ICertificateAuthority ca, IGatewayCertificateRecorder recorder, CaOptions options, TimeProvider time, ILogger logger,
        string role, string commonName, X509KeyUsageFlags keyUsage, TimeSpan lifetime)
    {
        _ca = ca;
        _recorder = recorder;
        _options = options;
        _time = time;
        _logger = logger;
        Role = role;
        _commonName = commonName;
        _keyUsage = keyUsage;
        _lifetime = lifetime;
    }

    public string Role { get; }

    public X509Certificate2 Certificate => Current.Certificates[0].Public;

    /// <summary>Where the current certificate and key are kept.</summary>
    public string FilePath => Path.Combine(CaPaths.CaDirectory(_options), "identities", Role + ".p12");

    private string PreviousPath => Path.Combine(CaPaths.CaDirectory(_options), "identities", Role + ".previous.p12");

    public byte[] Sign(byte[] data, HashAlgorithmName hash) =>
        Current.Certificates[0].Key.SignData(data, hash, RSASignaturePadding.Pkcs1);

    public bool TryDecrypt(byte[] recipientIssuer, byte[] recipientSerial, byte[] encryptedKey, RSAEncryptionPadding padding, out byte[] key)
    {
        key = [];
        foreach (var held in Current.Certificates)
        {
            if (!recipientIssuer.AsSpan().SequenceEqual(held.Public.IssuerName.RawData)
                || !recipientSerial.AsSpan().SequenceEqual(held.Public.SerialNumberBytes.Span.TrimStart((byte)0))) continue;
            try
            {
                key = held.Key.Decrypt(encryptedKey, padding);
                return true;
            }
            catch (CryptographicException)
            {
                return false;
            }
        }
        return false;
    }

    public void Dispose()
    {
        foreach (var held in _state?.Certificates ?? []) held.Key.Dispose();
    }

    private sealed record Held(X509Certificate2 Public, RSA Key);

    /// <param name="IssuerId">The issuing CA generation that was current when the certificate was chosen.</param>
    private sealed record State(IReadOnlyList<Held> Certificates, DateTimeOffset RenewAt, string IssuerId);

    private bool IsCurrent(State? state, DateTimeOffset now) =>
        state is not null && now < state.RenewAt && string.Equals(state.IssuerId, _ca.DefaultIssuerId, StringComparison.Ordinal);

    private State Current
    {
        get
        {
            var state = _state;
            if (IsCurrent(state, _time.GetUtcNow())) return state!;
            lock (_gate)
            {
                state = _state;
                var now = _time.GetUtcNow();
                if (IsCurrent(state, now)) return state!;
                _state = state = LoadOrIssue(now);
                return state;
            }
        }
    }

    private State LoadOrIssue(DateTimeOffset now)
    {
        SecureFile.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        // Nodes sharing the CA directory take turns: the first renews, the others find its certificate.
        using var fileLock = SecureFile.AcquireLock(FilePath + ".lock");
        // A rollover another node made and this one has not picked up yet: the certificate in the file may already be
        // the new generation's, which must not be replaced by one from the generation this node still has as current.
        _ca.Refresh();
        var issuer = _ca.GetIssuer(_ca.DefaultIssuerId);
        var password = CaPassphrase.Resolve(_options, logger: null);
        var current = TryLoad(FilePath, password);
        if (current is not null && now < RenewAt(current.Public) && IssuedBy(current.Public, issuer))
        {
            var kept = TryLoad(PreviousPath, password);
            return new State(kept is not null && now < kept.Public.NotAfter ? [current, kept] : [current], RenewAt(current.Public), issuer.Id);
        }

        var fresh = Issue(issuer, now);
        if (current is not null)
        {
            File.Copy(FilePath, PreviousPath, overwrite: true);
            SecureFile.SetOwnerOnly(PreviousPath);
        }
        SecureFile.WriteAllBytes(FilePath, fresh.Public.CopyWithPrivateKey(fresh.Key).ExportPkcs12(Pkcs12ExportPbeParameters.Pbes2Aes256Sha256, password));
        return new State(current is not null && now < current.Public.NotAfter ? [fresh, current] : [fresh], RenewAt(fresh.Public), issuer.Id);
    }

    private Held Issue(IssuingCa issuer, DateTimeOffset now)
    {
        var key = RSA.Create(2048);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddOrganizationName("Gateway");
        subject.AddCommonName(_commonName);
        var template = new CertificateTemplate(issuer.Id, subject.Build().RawData, key.ExportSubjectPublicKeyInfo(), [],
            now - Backdate, now + _lifetime, (int)_keyUsage, [], [], []) { ExactIssuer = true };
        var issued = GatewayCertificates.Issue(_ca, _recorder, template, Role);
        _logger.LogInformation("Issued the gateway's {Role} certificate {Serial} ({Subject}), valid until {NotAfter:u}.", Role, issued.Serial, issued.Subject, issued.NotAfter);
        return new Held(X509CertificateLoader.LoadCertificate(issued.Der), key);
    }

    private Held? TryLoad(string path, string password)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var withKey = X509CertificateLoader.LoadPkcs12FromFile(path, password, RenewingTlsCertificate.KeyStorageFlags | X509KeyStorageFlags.Exportable);
            var key = withKey.GetRSAPrivateKey();
            if (key is null) return null;
            var exported = RSA.Create();
            exported.ImportParameters(key.ExportParameters(true));
            return new Held(X509CertificateLoader.LoadCertificate(withKey.RawData), exported);
        }
        catch (CryptographicException ex)
        {
            _logger.LogWarning(ex, "Cannot read the {Role} identity in {Path}; issuing a new one.", Role, path);
            return null;
        }
    }

    /// <summary>Issued by <paramref name="issuer"/> (generations share a subject name: the key identifiers tell them apart).</summary>
    private static bool IssuedBy(X509Certificate2 certificate, IssuingCa issuer)
    {
        if (!issuer.Certificate.SubjectName.RawData.AsSpan().SequenceEqual(certificate.IssuerName.RawData)) return false;
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier;
        var ski = issuer.Certificate.Extensions.OfType<X509SubjectKeyIdentifierExtension>().FirstOrDefault()?.SubjectKeyIdentifierBytes;
        return aki is null || ski is null || aki.Value.Span.SequenceEqual(ski.Value.Span);
    }

    private static DateTimeOffset RenewAt(X509Certificate2 certificate) => RenewingTlsCertificate.RenewAt(certificate);
}
