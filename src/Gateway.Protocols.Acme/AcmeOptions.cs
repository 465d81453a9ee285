namespace Gateway.Protocols.Acme;

/// <summary>The ACME front-end (<c>Gateway:Acme</c>).</summary>
public sealed class AcmeOptions
{
    public const string Section = "Gateway:Acme";

    /// <summary>How long a nonce stays usable (RFC 8555 §6.5): short, since a node that dies forgets the nonces it saw used.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);
}
