using System.Net;
using System.Text.Json;
using Gateway.Admin.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Gateway.Server.Tests.Admin;

/// <summary>Issue 13 item 3 and the admin "Low" items: no API key over plain HTTP from afar, failures limited and logged.</summary>
public sealed class AdminApiGuardTests
{
    private static async Task<(HttpContext Context, bool Passed)> RunAsync(AdminHost host, HttpContext context)
    {
        var passed = false;
        var guard = ActivatorUtilities.CreateInstance<AdminApiGuardMiddleware>(host.Services, (RequestDelegate)(_ =>
        {
            passed = true;
            return Task.CompletedTask;
        }));
        await guard.InvokeAsync(context);
        return (context, passed);
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("2001:db8::1")]
    [InlineData("::ffff:192.0.2.10")]
    public async Task InvokeAsync_plainHttpFromNonLoopbackClient_refused403ProblemNamingHttps(string remote)
    {
        using var host = new AdminHost();
        var (context, passed) = await RunAsync(host, host.Request("/api/v1/certificates", remote, authorization: "Bearer " + AdminHost.Key));

        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.StartsWith("application/problem+json", context.Response.ContentType);
        var problem = JsonDocument.Parse(AdminHost.Body(context)).RootElement;
        Assert.EndsWith("/https-required", problem.GetProperty("type").GetString());
        Assert.Contains("HTTPS", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task InvokeAsync_plainHttpToOpenApiFromNonLoopbackClient_refused403()
    {
        using var host = new AdminHost();
        var (context, passed) = await RunAsync(host, host.Request("/openapi/v1.json", "192.0.2.10"));
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task InvokeAsync_plainHttpFromLoopbackWithDefaultOptions_passes(string remote)
    {
        using var host = new AdminHost();
        var (_, passed) = await RunAsync(host, host.Request("/api/v1/certificates", remote));
        Assert.True(passed);
    }

    [Fact]
    public async Task InvokeAsync_plainHttpFromLoopbackWhenOptionOff_refused403()
    {
        using var host = new AdminHost(("Gateway:Admin:AllowPlainHttpFromLoopback", "false"));
        var (context, passed) = await RunAsync(host, host.Request("/api/v1/certificates", "127.0.0.1"));
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_plainHttpFromLoopbackProxyWithForwardedFor_refused403()
    {
        using var host = new AdminHost();
        var context = host.Request("/api/v1/certificates", "127.0.0.1");
        context.Request.Headers["X-Forwarded-For"] = "192.0.2.10";
        var (_, passed) = await RunAsync(host, context);
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Fact]
    public async Task InvokeAsync_plainHttpClaimingForwardedProtoHttps_refused403()
    {
        using var host = new AdminHost();
        var context = host.Request("/api/v1/certificates", "192.0.2.10");
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        var (_, passed) = await RunAsync(host, context);
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Theory]
    [InlineData("192.0.2.10")]
    [InlineData("127.0.0.1")]
    public async Task InvokeAsync_httpsFromAnyClient_passes(string remote)
    {
        using var host = new AdminHost(("Gateway:Admin:AllowPlainHttpFromLoopback", "false"));
        var (_, passed) = await RunAsync(host, host.Request("/api/v1/certificates", remote, https: true));
        Assert.True(passed);
    }

    [Fact]
    public async Task InvokeAsync_addressOverFailureLimit_429WithRetryAfterBeforeKeyIsChecked()
    {
        using var host = new AdminHost(("Gateway:Admin:AuthFailureLimit", "3"));
        for (var i = 0; i < 3; i++)
        {
            var result = await host.Request("/api/v1/certificates", "192.0.2.10", https: true, authorization: "Bearer wrong-key-" + i).AuthenticateAsync();
            Assert.False(result.Succeeded);
        }

        var (blocked, passed) = await RunAsync(host, host.Request("/api/v1/certificates", "192.0.2.10", https: true, authorization: "Bearer " + AdminHost.Key));
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status429TooManyRequests, blocked.Response.StatusCode);
        var retryAfter = int.Parse(blocked.Response.Headers.RetryAfter.ToString(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.EndsWith("/too-many-authentication-failures", JsonDocument.Parse(AdminHost.Body(blocked)).RootElement.GetProperty("type").GetString());

        var (_, otherPassed) = await RunAsync(host, host.Request("/api/v1/certificates", "192.0.2.11", https: true));
        Assert.True(otherPassed);
    }

    [Fact]
    public async Task InvokeAsync_addressBelowFailureLimit_passes()
    {
        using var host = new AdminHost(("Gateway:Admin:AuthFailureLimit", "3"));
        for (var i = 0; i < 2; i++)
        {
            await host.Request("/api/v1/certificates", "192.0.2.10", https: true, authorization: "Bearer wrong-key").AuthenticateAsync();
        }
        var (_, passed) = await RunAsync(host, host.Request("/api/v1/certificates", "192.0.2.10", https: true));
        Assert.True(passed);
    }

    [Fact]
    public async Task AuthenticateAsync_failuresOutsideAdminApi_notCounted()
    {
        using var host = new AdminHost(("Gateway:Admin:AuthFailureLimit", "1"));
        await host.Request("/.well-known/est/simpleenroll", "192.0.2.10", https: true, authorization: "Basic dXNlcjpwYXNz").AuthenticateAsync();
        var (_, passed) = await RunAsync(host, host.Request("/api/v1/certificates", "192.0.2.10", https: true));
        Assert.True(passed);
    }

    [Fact]
    public async Task AuthenticateAsync_unknownKey_loggedAtInformationWithClientAddressAndNoPartOfKey()
    {
        using var host = new AdminHost();
        const string presented = "Zq9-presented-but-unknown-key-XY7";
        var result = await host.Request("/api/v1/certificates", "192.0.2.77", https: true, authorization: "Bearer " + presented).AuthenticateAsync();

        Assert.False(result.Succeeded);
        var refused = host.Logs.Entries.Where(e => e.Message.Contains("Refused admin API key", StringComparison.Ordinal)).ToList();
        var entry = Assert.Single(refused);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Equal(ApiKeyAuthenticationHandler.RefusalLogCategory, entry.Category);
        Assert.Contains("192.0.2.77", entry.Message);
        foreach (var (_, _, message) in host.Logs.Entries)
        {
            Assert.DoesNotContain(presented[..6], message);
        }
    }

    [Fact]
    public async Task AuthenticateAsync_rightKey_notLoggedAsRefused()
    {
        using var host = new AdminHost();
        var result = await host.Request("/api/v1/certificates", "192.0.2.77", https: true, authorization: "Bearer " + AdminHost.Key).AuthenticateAsync();
        Assert.True(result.Succeeded);
        Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains("Refused admin API key", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Gateway:Admin:AuthFailureLimit", "0", "Gateway:Admin:AuthFailureLimit")]
    [InlineData("Gateway:Admin:AuthFailureWindow", "00:00:00", "Gateway:Admin:AuthFailureWindow")]
    [InlineData("Gateway:Admin:TrustedProxies:0", "not-an-address", "Gateway:Admin:TrustedProxies:0")]
    public void Options_invalidValue_startStopsNamingOption(string key, string value, string named)
    {
        using var host = new AdminHost((key, value));
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(
            () => host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<AdminOptions>>().Value);
        Assert.Contains(named, ex.Message);
    }
}
