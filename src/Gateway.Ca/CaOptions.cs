namespace Gateway.Ca;

/// <summary>
/// Options of the internal CA, bound from <c>Gateway:Ca</c>; <see cref="DataDir"/> comes from <c>Gateway:DataDir</c>.
/// Validated at start by <see cref="CaOptionsValidator"/>.
/// </summary>
public sealed class CaOptions
{
    public const string SectionName = "Gateway:Ca";
    public const string DataDirKey = "Gateway:DataDir";
    public const string DefaultDataDir = "./data";
    public const string PublicBaseUrlKey = "Gateway:PublicBaseUrl";

    /// <summary>
    /// Holds <c>ca/</c> (CA certificates, encrypted keys, the dev passphrase) and <c>tls/</c> (the server certificate).
    /// Bound from <c>Gateway:DataDir</c>.
    /// </summary>
    public string DataDir { get; set; } = DefaultDataDir;

    /// <summary>
    /// Directory of the generated CA material (certificates, encrypted keys, dev passphrase). Unset: <c>&lt;DataDir&gt;/ca</c>.
    /// Nodes of one cluster point this at one shared directory (or import one CA with <see cref="Import"/>), so the first node
    /// generates the CA and the others load it; a lock file in the directory keeps two nodes from generating at once.
    /// </summary>
    public string? Directory { get; set; }

    /// <summary>
    /// Encrypts the CA private keys (and the server TLS PKCS#12) at rest. Unset or empty: dev mode, a random passphrase
    /// is generated into <c>&lt;DataDir&gt;/ca/passphrase</c>.
    /// </summary>
    public string? Passphrase { get; set; }

    /// <summary><c>ecdsa-p256</c>, <c>ecdsa-p384</c> (default), <c>rsa-2048</c>, <c>rsa-3072</c> or <c>rsa-4096</c>.</summary>
    public string RootKeyAlgorithm { get; set; } = "ecdsa-p384";

    /// <summary><c>ecdsa-p256</c> (default), <c>ecdsa-p384</c>, <c>rsa-2048</c>, <c>rsa-3072</c> or <c>rsa-4096</c>.</summary>
    public string IssuingKeyAlgorithm { get; set; } = "ecdsa-p256";

    /// <summary>Distinguished name of a generated root, most significant RDN last as .NET writes it.</summary>
    public string RootSubject { get; set; } = "CN=Gateway Dev Root CA,O=Gateway";

    /// <summary>Distinguished name of a generated issuing CA.</summary>
    public string IssuingSubject { get; set; } = "CN=Gateway Dev Issuing CA,O=Gateway";

    /// <summary>Lifetime of a generated root in years (1–100).</summary>
    public int RootLifetimeYears { get; set; } = 20;

    /// <summary>Lifetime of a generated issuing CA in years (1–RootLifetimeYears).</summary>
    public int IssuingLifetimeYears { get; set; } = 10;

    /// <summary>
    /// How long before an issuing CA's notAfter the gateway warns (a log warning once a day, readiness <c>ca</c>
    /// degraded; the remaining validity is a metric at all times). Default 30 days; 1 to 3650 days.
    /// </summary>
    public TimeSpan ExpiryWarning { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// How long before the current issuing CA's notAfter the gateway rolls over to a new one (new key and id, signed by
    /// the root; the old one keeps serving CRLs and OCSP until it expires). Needs the root key in the CA directory.
    /// Default 90 days (longer than any profile's default validity, so no certificate is cut short); 1 day to 3650 days,
    /// and shorter than the issuing CA's lifetime.
    /// </summary>
    public TimeSpan RolloverBefore { get; set; } = TimeSpan.FromDays(90);

    /// <summary>How often each node checks whether a rollover is due and picks up one another node made (default 1 min; 1 s to 1 d).</summary>
    public TimeSpan RolloverCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The URL relying parties reach the gateway at, e.g. <c>https://pki.example.com</c>: issued certificates point to
    /// <c>&lt;base&gt;/crl/&lt;issuer&gt;.crl</c>, <c>&lt;base&gt;/ocsp</c> and <c>&lt;base&gt;/ca/&lt;issuer&gt;.crt</c>.
    /// Bound from <c>Gateway:PublicBaseUrl</c>; unset: the first <c>http://</c> URL the server listens on.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>Use an existing CA instead of generating one.</summary>
    public CaImportOptions Import { get; set; } = new();

    /// <summary>The gateway's own TLS server certificate.</summary>
    public ServerTlsOptions ServerTls { get; set; } = new();
}
