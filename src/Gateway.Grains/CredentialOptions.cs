namespace Gateway.Grains;

/// <summary>Section <c>Gateway:Credentials</c>: how enrollment credentials' raw secrets are protected at rest.</summary>
public sealed class CredentialOptions
{
    public const string Section = "Gateway:Credentials";
    public const string EncryptionKeyOption = Section + ":" + nameof(EncryptionKey);

    /// <summary>
    /// The AES-256-GCM key (base64 of exactly 32 random bytes, e.g. <c>openssl rand -base64 32</c>) that encrypts the raw
    /// secrets CMP MAC and ACME EAB need. Unset: a key generated into <c>&lt;DataDir&gt;/credential-key</c> (dev mode).
    /// Every silo of a cluster needs the same key.
    /// </summary>
    public string? EncryptionKey { get; set; }
}
