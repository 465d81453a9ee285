namespace Gateway.Admin.Authentication;

/// <summary>Section <c>Gateway:Admin</c>, validated at start by <see cref="AdminOptionsValidator"/>.</summary>
public sealed class AdminOptions
{
    public const string Section = "Gateway:Admin";

    /// <summary>An API key with role admin (environment <c>Gateway__Admin__BootstrapApiKey</c>).</summary>
    public string? BootstrapApiKey { get; set; }

    public List<ApiKeyEntry> ApiKeys { get; set; } = [];

    /// <summary>
    /// Plain HTTP to <c>/api/v1</c> and <c>/openapi</c> is accepted from a loopback client (default <c>true</c>: the first
    /// steps with <c>http://localhost:5000</c> work); from any other client, and from loopback when false, only HTTPS.
    /// </summary>
    public bool AllowPlainHttpFromLoopback { get; set; } = true;

    /// <summary>
    /// Addresses of TLS-terminating proxies whose <c>X-Forwarded-Proto</c> and <c>X-Forwarded-For</c> the admin API
    /// believes. Empty (default): forwarded headers are ignored, so a plain connection is plain whatever it claims.
    /// </summary>
    public List<string> TrustedProxies { get; set; } = [];

    /// <summary>
    /// Four eyes: an API key may not approve an enrollment it requested itself. Default <c>false</c>, because a gateway
    /// with a single admin key (the bootstrap key of the first steps) could then never approve its own pending requests.
    /// </summary>
    public bool ForbidSelfApproval { get; set; }

    /// <summary>Failed authentications per client address within <see cref="AuthFailureWindow"/> before further requests get 429.</summary>
    public int AuthFailureLimit { get; set; } = 10;

    /// <summary>The window of <see cref="AuthFailureLimit"/> (default one minute).</summary>
    public TimeSpan AuthFailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}
