namespace Gateway.Protocols.Acme;

/// <summary>The ACME front-end (<c>Gateway:Acme</c>).</summary>
public sealed class AcmeOptions
{
    public const string Section = "Gateway:Acme";

    /// <summary>How long a nonce stays usable (RFC 8555 §6.5): short, since a node that dies forgets the nonces it saw used.</summary>
    public TimeSpan NonceLifetime { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// host:port of the DNS server used for dns-01 and for resolving the names to validate (an internal resolver, or
    /// <c>pebble-challtestsrv</c> in tests); empty: the system's resolvers.
    /// </summary>
    public string DnsResolver { get; set; } = "";

    /// <summary>The port http-01 validation connects to (RFC 8555 §8.3: 80); redirects may lead to it or to <see cref="TlsAlpnChallengePort"/> over https.</summary>
    public int HttpChallengePort { get; set; } = 80;

    /// <summary>The port tls-alpn-01 validation connects to (RFC 8737: 443).</summary>
    public int TlsAlpnChallengePort { get; set; } = 443;

    /// <summary>How long one validation may take, all attempts and redirects included.</summary>
    public TimeSpan ValidationTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
