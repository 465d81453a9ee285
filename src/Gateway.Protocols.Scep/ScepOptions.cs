namespace Gateway.Protocols.Scep;

/// <summary>SCEP front-end settings (<c>Gateway:Scep</c>).</summary>
public sealed class ScepOptions
{
    public const string Section = "Gateway:Scep";

    /// <summary>The profile <c>/scep</c> enrolls in; <c>/scep/&lt;label&gt;</c> names another.</summary>
    public string DefaultProfile { get; set; } = "mdm-device";

    /// <summary>Largest PKIOperation message accepted, in bytes (POST body or decoded GET <c>message</c>).</summary>
    public int MaxMessageBytes { get; set; } = 64 * 1024;

    /// <summary>
    /// Accept and answer single DES-CBC envelopes (56-bit keys, broken). Off by default; some clients still send it
    /// (micromdm's scepclient 2.1, old network gear) whatever GetCACaps advertises.
    /// </summary>
    public bool AllowSingleDes { get; set; }

    /// <summary>Accept and answer 3DES-CBC envelopes. On by default because older clients (and Windows' NDES clients) need it; turn it off to require AES.</summary>
    public bool AllowTripleDes { get; set; } = true;

    /// <summary>Per profile name: a service that validates challenges the gateway did not issue (see <see cref="ScepChallengeWebhookOptions"/>).</summary>
    public Dictionary<string, ScepChallengeWebhookOptions> ChallengeWebhooks { get; set; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Two RA certificates, one that signs CertReps (digitalSignature) and one clients encrypt to (keyEncipherment), as
    /// FIPS-mode HSMs require; off: one RA certificate does both.
    /// </summary>
    public bool SeparateEncryptionCertificate { get; set; }

    /// <summary>Lifetime of the RA certificate(s); renewed after two thirds of it (clients fetch GetCACert again when it changes).</summary>
    public TimeSpan RaCertificateLifetime { get; set; } = TimeSpan.FromDays(365);

    /// <summary>
    /// Refuse (FAILURE badRequest) a PKCSReq or RenewalReq whose transactionID is not a hash of the requested public
    /// key (MD5/SHA-1/SHA-256/SHA-512 of the key or its SubjectPublicKeyInfo, hex or base64), as draft-nourse-scep asked.
    /// Off by default: RFC 8894 §3.2.1.1 allows any unique string (a UUID, a device identifier), and transactions are
    /// scoped to the signing key either way, so nobody without the device's key can poll or squat them.
    /// </summary>
    public bool RequireKeyHashTransactionId { get; set; }

    /// <summary>Include the root CA certificate in GetCACert (the RA certificate and the issuing CA are always there).</summary>
    public bool IncludeRootInGetCaCert { get; set; } = true;
}
