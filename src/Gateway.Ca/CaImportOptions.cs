namespace Gateway.Ca;

/// <summary>
/// <c>Gateway:Ca:Import</c>: an existing issuing CA, either as PEM files (<see cref="IssuingCertificate"/> +
/// <see cref="IssuingKey"/> + <see cref="RootCertificate"/>) or as one PKCS#12 (<see cref="Pkcs12"/>).
/// Imported files are read at every start and are the source of truth; nothing is copied to the data directory.
/// </summary>
public sealed class CaImportOptions
{
    /// <summary>PEM (or DER) file with the root certificate. Optional when the chain ends in a self-signed certificate.</summary>
    public string? RootCertificate { get; set; }

    /// <summary>PEM file whose first certificate is the issuing CA; further certificates are intermediates, issuer-ward.</summary>
    public string? IssuingCertificate { get; set; }

    /// <summary>PEM file with the issuing CA's private key: encrypted PKCS#8 (with <see cref="KeyPassword"/>) or unencrypted PKCS#8/SEC1/PKCS#1.</summary>
    public string? IssuingKey { get; set; }

    /// <summary>Password of an encrypted <see cref="IssuingKey"/>.</summary>
    public string? KeyPassword { get; set; }

    /// <summary>PKCS#12 with the issuing certificate and key and its chain (root included or given in <see cref="RootCertificate"/>).</summary>
    public string? Pkcs12 { get; set; }

    /// <summary>Password of <see cref="Pkcs12"/>.</summary>
    public string? Pkcs12Password { get; set; }

    internal bool UsesPem => !string.IsNullOrWhiteSpace(IssuingCertificate) || !string.IsNullOrWhiteSpace(IssuingKey);

    internal bool UsesPkcs12 => !string.IsNullOrWhiteSpace(Pkcs12);

    internal bool IsConfigured => UsesPem || UsesPkcs12;
}
