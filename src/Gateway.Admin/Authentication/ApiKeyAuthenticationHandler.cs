using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Admin.Authentication;

/// <summary><c>Authorization: Bearer &lt;key&gt;</c> against <see cref="ApiKeyStore"/>.</summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    AuthenticationFailureLimiter failures) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";

    /// <summary>
    /// The category of refused-key messages: apart from this handler's own (which logs every non-admin request that
    /// carries another scheme, and which the shipped appsettings.json quiets), so refusals stay visible at Information.
    /// </summary>
    public const string RefusalLogCategory = "Gateway.Admin.ApiKeyRefusals";

    private readonly ILogger _refusals = logger.CreateLogger(RefusalLogCategory);

    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        string? header = Request.Headers.Authorization;
        if (string.IsNullOrEmpty(header)) return Task.FromResult(AuthenticateResult.NoResult());
        const string prefix = "Bearer ";
        if (!header.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
        {
            return Task.FromResult(Refuse("Authorization must use the Bearer scheme with an API key."));
        }
        var presented = header[prefix.Length..].Trim();
        if (!keys.TryAuthenticate(presented, out var name, out var roles))
        {
            return Task.FromResult(Refuse("Unknown API key."));
        }
        var claims = new List<Claim> { new(ClaimTypes.Name, name), new(ClaimTypes.AuthenticationMethod, "api-key") };
        claims.AddRange(roles.Select(r => new Claim(ClaimTypes.Role, r)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName)));
    }

    /// <summary>
    /// A refused key on the admin API: counted against the client address and logged with it (never the key, nor any part
    /// of it). Other paths (EST Basic, say) pass through this default scheme too and are not the admin API's to count.
    /// </summary>
    private AuthenticateResult Refuse(string reason)
    {
        if (AdminPaths.IsAdmin(Request.Path))
        {
            var client = Context.Connection.RemoteIpAddress;
            failures.RecordFailure(client);
            _refusals.LogInformation("Refused admin API key from {ClientAddress}: {Reason}", client, reason);
        }
        return AuthenticateResult.Fail(reason);
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.Headers.WWWAuthenticate = "Bearer";
        return base.HandleChallengeAsync(properties);
    }
}
