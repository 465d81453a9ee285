namespace Gateway.Protocols.Acme;

/// <summary>The ACME front-end (<c>Gateway:Acme</c>).</summary>
public sealed class AcmeOptions
{
    public const string Section = "Gateway:Acme";

    /// <summary>The profile <c>/acme/directory</c> serves; <c>/acme/&lt;profile&gt;/directory</c> names another.</summary>
    public string DefaultProfile { get; set; } = "web-server";

    /// <summary>The terms of service URL in the directory's meta; when set, newAccount requires <c>termsOfServiceAgreed</c>.</summary>
    public string TermsOfService { get; set; } = "";

    /// <summary>The website URL in the directory's meta (optional).</summary>
    public string Website { get; set; } = "";

    /// <summary>How long a new order may wait to be finalized.</summary>
    public TimeSpan OrderLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>How long an authorization stays usable (pending or valid).</summary>
    public TimeSpan AuthorizationLifetime { get; set; } = TimeSpan.FromDays(1);

    /// <summary>The most identifiers one order may name.</summary>
    public int MaxIdentifiersPerOrder { get; set; } = 100;

    /// <summary>
    /// Profiles whose accounts bound by EAB get authorizations valid without a challenge for the identifiers their
    /// credential's <c>subjects</c> name (internal networks the gateway cannot reach); recorded as pre-authorised.
    /// </summary>
    public List<string> PreAuthorizedProfiles { get; set; } = [];

    /// <summary>
    /// Per directory (its profile's name): other profiles its accounts may order from with newOrder's <c>profile</c>
    /// (draft-ietf-acme-profiles), listed in the directory's <c>meta.profiles</c> after its own. Each must allow ACME
    /// and admit the account (<c>acme-account</c>, or <c>eab</c> for an account bound to a credential of that profile).
    /// </summary>
    public Dictionary<string, List<string>> OfferedProfiles { get; set; } = new(StringComparer.Ordinal);

    /// <summary>The profiles directory <paramref name="directory"/> offers: its own first, then <see cref="OfferedProfiles"/>.</summary>
    public IReadOnlyList<string> ProfilesOffered(string directory) =>
        [directory, .. (OfferedProfiles.TryGetValue(directory, out var more) ? more : []).Where(p => !string.Equals(p, directory, StringComparison.Ordinal)).Distinct(StringComparer.Ordinal)];

    /// <summary>The Retry-After of a renewalInfo answer: how soon clients ask again (RFC 9773 §4.3).</summary>
    public TimeSpan RenewalInfoRetryAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>New accounts one client address (IPv6: per /64) may create per <see cref="RateLimitWindow"/> on a node.</summary>
    public int NewAccountsPerAddress { get; set; } = 300;

    /// <summary>New orders one account may create per <see cref="RateLimitWindow"/> on a node.</summary>
    public int NewOrdersPerAccount { get; set; } = 3000;

    /// <summary>The window of <see cref="NewAccountsPerAddress"/> and <see cref="NewOrdersPerAccount"/>.</summary>
    public TimeSpan RateLimitWindow { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Largest request body accepted (a JWS), in bytes.</summary>
    public int MaxRequestBytes { get; set; } = 64 * 1024;

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
