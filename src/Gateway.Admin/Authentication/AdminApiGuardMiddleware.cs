using System.Globalization;
using System.Net;
using Gateway.Admin.Endpoints;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Gateway.Admin.Authentication;

/// <summary>
/// Runs before authentication on <c>/api/v1</c> and <c>/openapi</c>, so a bearer key is never read off a connection
/// that may not carry it: plain HTTP is refused with 403 (an RFC 9457 problem naming HTTPS) unless the client is on
/// loopback and <see cref="AdminOptions.AllowPlainHttpFromLoopback"/> is on; an address that has used up its failed
/// authentications (<see cref="AuthenticationFailureLimiter"/>) gets 429 with Retry-After.
/// </summary>
/// <remarks>
/// 403 rather than 426: 426 asks for an in-band upgrade (RFC 2817) that no HTTP client performs, and 421 says the
/// request reached the wrong server; 403 is what the EST front-end answers to plain HTTP too. A loopback connection
/// that carries forwarded headers came through a proxy on this host and is not treated as local.
/// </remarks>
internal sealed class AdminApiGuardMiddleware(
    RequestDelegate next, IOptions<AdminOptions> options, AuthenticationFailureLimiter limiter, ILogger<AdminApiGuardMiddleware> logger)
{
    private readonly bool _allowLoopback = options.Value.AllowPlainHttpFromLoopback;

    public async Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.IsHttps && !(_allowLoopback && IsLocal(context)))
        {
            logger.LogInformation("Refused plain-HTTP admin API request from {ClientAddress} to {Path}", context.Connection.RemoteIpAddress, context.Request.Path);
            await AdminProblems.Problem(StatusCodes.Status403Forbidden, "https-required", "HTTPS required",
                "The admin API accepts API keys only over HTTPS: use https:// (plain HTTP is accepted from a loopback client only, "
                + $"{AdminOptions.Section}:{nameof(AdminOptions.AllowPlainHttpFromLoopback)}).").ExecuteAsync(context);
            return;
        }
        if (limiter.IsBlocked(context.Connection.RemoteIpAddress, out var retryAfter))
        {
            var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
            await AdminProblems.Problem(StatusCodes.Status429TooManyRequests, "too-many-authentication-failures", "Too many failed authentications",
                $"Too many failed authentications from this address; retry after {seconds} s.").ExecuteAsync(context);
            return;
        }
        await next(context);
    }

    private static bool IsLocal(HttpContext context) =>
        context.Connection.RemoteIpAddress is { } address && IPAddress.IsLoopback(address)
        && !context.Request.Headers.ContainsKey("X-Forwarded-For") && !context.Request.Headers.ContainsKey("Forwarded");
}
