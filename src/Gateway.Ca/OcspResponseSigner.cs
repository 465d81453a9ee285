using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Revocation;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Ca;

/// <summary>
/// Signs OCSP responses (RFC 6960, RFC 5019 profile) for the CA's issuers with delegated responder certificates:
/// each node generates a P-256 key per issuer at start, has the issuer sign a certificate for it (id-kp-OCSPSigning,
/// id-pkix-ocsp-nocheck, <see cref="OcspOptions.SigningCertificateLifetime"/>) and replaces both when two thirds of
/// that lifetime have passed. Keys live in memory only. Responses are written with <see cref="AsnWriter"/> and signed
/// with System.Security.Cryptography; thread-safe.
/// </summary>
public sealed class OcspResponseSigner
{
    private static readonly TimeSpan Backdate = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan RetryAfterFailure = TimeSpan.FromMinutes(1);
    private static readonly Asn1Tag Context0 = new(TagClass.ContextSpecific, 0, isConstructed: true);
    private static readonly Asn1Tag Context1 = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag Context2 = new(TagClass.ContextSpecific, 2, isConstructed: true);
    private static readonly Asn1Tag GoodTag = new(TagClass.ContextSpecific, 0);
    private static readonly Asn1Tag RevokedTag = new(TagClass.ContextSpecific, 1, isConstructed: true);
    private static readonly Asn1Tag UnknownTag = new(TagClass.ContextSpecific, 2);

    /// <summary>The hash algorithms accepted in a CertID, with their output lengths.</summary>
    private static readonly Dictionary<string, (HashAlgorithmName Name, int Length)> Hashes = new(StringComparer.Ordinal)
    {
        [Oids.Sha1] = (HashAlgorithmName.SHA1, 20),
        [Oids.Sha256] = (HashAlgorithmName.SHA256, 32),
        [Oids.Sha384] = (HashAlgorithmName.SHA384, 48),
        [Oids.Sha512] = (HashAlgorithmName.SHA512, 64),
    };

    private readonly ICertificateAuthority _ca;
    private readonly IGatewayCertificateRecorder _recorder;
    private readonly OcspOptions _options;
    private readonly ILogger<OcspResponseSigner> _logger;
    private readonly TimeProvider _time;
    private volatile IReadOnlyList<IssuerIdentity> _identities;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, Slot> _slots;

    public OcspResponseSigner(ICertificateAuthority ca, IGatewayCertificateRecorder recorder, IOptions<OcspOptions> options, ILogger<OcspResponseSigner> logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _ca = ca;
        _recorder = recorder;
        _options = options.Value;
        _logger = logger;
        _time = time;
        _identities = ca.Issuers.SelectMany(IssuerIdentity.For).ToArray();
        _slots = new(ca.Issuers.ToDictionary(i => i.Id, _ => new Slot(), StringComparer.Ordinal), StringComparer.Ordinal);
        ca.IssuersChanged += OnIssuersChanged;
    }

    /// <summary>A rollover added a generation: answer for it too (earlier generations keep their responders).</summary>
    private void OnIssuersChanged()
    {
        foreach (var issuer in _ca.Issuers) _slots.TryAdd(issuer.Id, new Slot());
        _identities = _ca.Issuers.SelectMany(IssuerIdentity.For).ToArray();
    }

    /// <summary>Whether <paramref name="oid"/> is a CertID hash algorithm this responder accepts, and its output length.</summary>
    public static bool TryGetHashLength(string? oid, out int length)
    {
        length = 0;
        if (oid is null || !Hashes.TryGetValue(oid, out var hash))
        {
            return false;
        }

        length = hash.Length;
        return true;
    }

    /// <summary>The id of the issuer a CertID names (by name hash and key hash), or null when it is none of ours.</summary>
    public string? FindIssuer(OcspCertificateRequest certId)
    {
        ArgumentNullException.ThrowIfNull(certId);
        foreach (IssuerIdentity identity in _identities)
        {
            if (identity.HashOid == certId.HashAlgorithmOid
                && CryptographicOperations.FixedTimeEquals(identity.NameHash, certId.IssuerNameHash)
                && CryptographicOperations.FixedTimeEquals(identity.KeyHash, certId.IssuerKeyHash))
            {
                return identity.IssuerId;
            }
        }

        return null;
    }

    /// <summary>The current delegated responder certificate of <paramref name="issuerId"/> (DER); issues one first if needed.</summary>
    public byte[] GetResponderCertificate(string issuerId) => Current(issuerId).CertificateDer;

    /// <summary>Issues the responder certificates of every issuer now (at start), so the first request does not wait.</summary>
    public void EnsureResponderCertificates()
    {
        foreach (string issuerId in _slots.Keys)
        {
            Current(issuerId);
        }
    }

    /// <summary>
    /// A signed, successful OCSPResponse with one SingleResponse for <paramref name="certId"/> (echoed as sent:
    /// algorithm, hashes, serial), valid from now for <paramref name="validity"/> (never past the responder
    /// certificate), with the nonce extension when <paramref name="nonce"/> is given.
    /// </summary>
    /// <exception cref="KeyNotFoundException">No issuer has this id.</exception>
    /// <exception cref="ArgumentException">The CertID is malformed (unknown hash algorithm, wrong hash lengths, empty serial).</exception>
    public SignedOcspResponse Sign(string issuerId, OcspCertificateRequest certId, OcspCertificateStatus status, TimeSpan validity, byte[]? nonce = null)
    {
        ArgumentNullException.ThrowIfNull(certId);
        ArgumentNullException.ThrowIfNull(status);
        if (!TryGetHashLength(certId.HashAlgorithmOid, out int hashLength)
            || certId.IssuerNameHash?.Length != hashLength || certId.IssuerKeyHash?.Length != hashLength)
        {
            throw new ArgumentException($"The CertID's hash algorithm {certId.HashAlgorithmOid} or hash lengths are not supported.", nameof(certId));
        }

        if (certId.SerialNumber is not { Length: > 0 })
        {
            throw new ArgumentException("The CertID has no serial number.", nameof(certId));
        }

        if (validity <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(validity), validity, "The validity must be positive.");
        }

        Credential credential = Current(issuerId);
        DateTimeOffset now = WholeSeconds(_time.GetUtcNow());
        DateTimeOffset nextUpdate = now + validity;
        if (nextUpdate > credential.NotAfter)
        {
            nextUpdate = credential.NotAfter;
        }

        var writer = new AsnWriter(AsnEncodingRules.DER, initialCapacity: 1024);
        using (writer.PushSequence()) // ResponseData
        {
            using (writer.PushSequence(Context2)) // responderID byKey [2] EXPLICIT KeyHash
            {
                writer.WriteOctetString(credential.KeyHash);
            }

            writer.WriteGeneralizedTime(now, omitFractionalSeconds: true); // producedAt
            using (writer.PushSequence()) // responses
            using (writer.PushSequence()) // SingleResponse
            {
                WriteCertId(writer, certId);
                WriteStatus(writer, status);
                writer.WriteGeneralizedTime(now, omitFractionalSeconds: true); // thisUpdate
                using (writer.PushSequence(Context0))
                {
                    writer.WriteGeneralizedTime(nextUpdate, omitFractionalSeconds: true);
                }
            }

            if (nonce is not null)
            {
                using (writer.PushSequence(Context1)) // responseExtensions [1] EXPLICIT
                using (writer.PushSequence())
                using (writer.PushSequence())
                {
                    writer.WriteObjectIdentifier(Oids.OcspNonce);
                    writer.WriteOctetString(nonce);
                }
            }
        }

        byte[] tbs = writer.Encode();
        byte[] signature = credential.Signer.Sign(tbs);

        var basic = new AsnWriter(AsnEncodingRules.DER, initialCapacity: tbs.Length + signature.Length + credential.CertificateDer.Length + 64);
        using (basic.PushSequence()) // BasicOCSPResponse
        {
            basic.WriteEncodedValue(tbs);
            basic.WriteEncodedValue(credential.Signer.SignatureAlgorithmIdentifier);
            basic.WriteBitString(signature);
            using (basic.PushSequence(Context0))
            using (basic.PushSequence())
            {
                basic.WriteEncodedValue(credential.CertificateDer);
            }
        }

        var response = new AsnWriter(AsnEncodingRules.DER, initialCapacity: basic.GetEncodedLength() + 32);
        using (response.PushSequence()) // OCSPResponse
        {
            response.WriteEnumeratedValue(OcspResponseStatus.Successful);
            using (response.PushSequence(Context0))
            using (response.PushSequence()) // ResponseBytes
            {
                response.WriteObjectIdentifier(Oids.OcspBasic);
                using (response.PushOctetString())
                {
                    basic.CopyTo(response);
                }
            }
        }

        return new SignedOcspResponse(response.Encode(), now, now, nextUpdate);
    }

    private static void WriteCertId(AsnWriter writer, OcspCertificateRequest certId)
    {
        using (writer.PushSequence())
        {
            using (writer.PushSequence())
            {
                writer.WriteObjectIdentifier(certId.HashAlgorithmOid);
                writer.WriteNull();
            }

            writer.WriteOctetString(certId.IssuerNameHash);
            writer.WriteOctetString(certId.IssuerKeyHash);
            try
            {
                writer.WriteInteger(certId.SerialNumber);
            }
            catch (ArgumentException ex)
            {
                throw new ArgumentException("The CertID's serial number is not a minimal two's complement integer.", nameof(certId), ex);
            }
        }
    }

    private static void WriteStatus(AsnWriter writer, OcspCertificateStatus status)
    {
        switch (status.Kind)
        {
            case OcspCertificateStatusKind.Good:
                writer.WriteNull(GoodTag);
                break;
            case OcspCertificateStatusKind.Revoked:
                using (writer.PushSequence(RevokedTag))
                {
                    writer.WriteGeneralizedTime(WholeSeconds(status.RevokedAt ?? throw new ArgumentException("A revoked status needs its time.", nameof(status))),
                        omitFractionalSeconds: true);
                    if (status.Reason is { } reason)
                    {
                        using (writer.PushSequence(Context0))
                        {
                            writer.WriteEnumeratedValue(reason);
                        }
                    }
                }

                break;
            default:
                writer.WriteNull(UnknownTag);
                break;
        }
    }

    /// <summary>
    /// The certificate <paramref name="serial"/> was revoked: when it is one of this node's OCSP signing certificates,
    /// a new one is issued now (responses from then on carry it). True when it was one; callers drop responses signed before.
    /// </summary>
    public bool ReplaceRevoked(string serial)
    {
        var replaced = false;
        foreach (var (issuerId, slot) in _slots)
        {
            lock (slot)
            {
                if (slot.Credential is not { } current || !string.Equals(current.Serial, serial, StringComparison.Ordinal)) continue;
                _logger.LogWarning("The OCSP signing certificate {Serial} of issuer {IssuerId} was revoked; a new one is issued now.", serial, issuerId);
                slot.Credential = current with { RenewAt = DateTimeOffset.MinValue };
            }
            Current(issuerId);
            replaced = true;
        }
        return replaced;
    }

    /// <summary>This node's current OCSP signing certificate serials (lowercase hex).</summary>
    public IReadOnlyCollection<string> ResponderSerials => [.. _slots.Values.Select(s => s.Credential?.Serial).OfType<string>()];

    private Credential Current(string issuerId)
    {
        if (!_slots.TryGetValue(issuerId, out Slot? slot))
        {
            throw new KeyNotFoundException($"There is no issuing CA '{issuerId}'.");
        }

        Credential? current = slot.Credential;
        if (current is not null && _time.GetUtcNow() < current.RenewAt)
        {
            return current;
        }

        lock (slot)
        {
            current = slot.Credential;
            DateTimeOffset now = _time.GetUtcNow();
            if (current is not null && now < current.RenewAt)
            {
                return current;
            }

            try
            {
                current = Issue(issuerId, now);
            }
            catch (Exception ex) when (current is not null && now < current.NotAfter)
            {
                _logger.LogError(ex, "Renewing the OCSP signing certificate of issuer {IssuerId} failed; keeping the current one until {NotAfter:u}.",
                    issuerId, current.NotAfter);
                current = current with { RenewAt = now + RetryAfterFailure };
            }

            slot.Credential = current;
            return current;
        }
    }

    private Credential Issue(string issuerId, DateTimeOffset now)
    {
        IssuingCa issuer = _ca.GetIssuer(issuerId);
        // The previous key is not disposed: a response may be being signed with it; the collector finalises it.
        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var subject = new X500DistinguishedNameBuilder();
        subject.AddCommonName($"OCSP Responder {Environment.MachineName}-{Environment.ProcessId} ({issuerId})");
        subject.AddOrganizationName("Gateway");
        var template = new CertificateTemplate(
            IssuerId: issuerId,
            Subject: subject.Build().RawData,
            SubjectPublicKeyInfo: key.ExportSubjectPublicKeyInfo(),
            SubjectAltNames: [],
            NotBefore: now - Backdate,
            NotAfter: now + _options.SigningCertificateLifetime,
            KeyUsage: (int)X509KeyUsageFlags.DigitalSignature,
            ExtendedKeyUsages: [Oids.OcspSigning],
            CertificatePolicies: [],
            AdditionalExtensions: [new ExtensionData(Oids.OcspNoCheck, false, [0x05, 0x00])],
            ExactIssuer: true); // each generation certifies its own responder, also after a rollover
        IssuedCertificate issued = GatewayCertificates.Issue(_ca, _recorder, template, GatewayCertificates.OcspResponder);

        using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(issued.Der);
        byte[] keyHash = SHA1.HashData(certificate.PublicKey.EncodedKeyValue.RawData);
        DateTimeOffset notBefore = issued.NotBefore, notAfter = issued.NotAfter;
        DateTimeOffset renewAt = notBefore + ((notAfter - notBefore) * 2 / 3);
        _logger.LogInformation(
            "Issued OCSP signing certificate {Serial} for issuer {IssuerId}, valid until {NotAfter:u}, renewed from {RenewAt:u}.",
            issued.Serial, issuerId, notAfter, renewAt);
        return new Credential(issued.Der, new EcdsaSigner(key), keyHash, notAfter, renewAt, issued.Serial);
    }

    private static DateTimeOffset WholeSeconds(DateTimeOffset value) =>
        new(value.UtcTicks - (value.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);

    private sealed class Slot
    {
        public volatile Credential? Credential;
    }

    private sealed record Credential(byte[] CertificateDer, EcdsaSigner Signer, byte[] KeyHash, DateTimeOffset NotAfter, DateTimeOffset RenewAt, string Serial);

    /// <summary>An issuer's CertID hashes under one hash algorithm: of its DER subject and of its public key bits.</summary>
    private sealed record IssuerIdentity(string IssuerId, string HashOid, byte[] NameHash, byte[] KeyHash)
    {
        public static IEnumerable<IssuerIdentity> For(IssuingCa issuer) =>
            Hashes.Select(h => new IssuerIdentity(
                issuer.Id, h.Key, Hash(h.Value.Name, issuer.NameDer), Hash(h.Value.Name, issuer.PublicKeyBits)));

        private static byte[] Hash(HashAlgorithmName name, byte[] data) => name.Name switch
        {
            "SHA1" => SHA1.HashData(data),
            "SHA256" => SHA256.HashData(data),
            "SHA384" => SHA384.HashData(data),
            _ => SHA512.HashData(data),
        };
    }
}
