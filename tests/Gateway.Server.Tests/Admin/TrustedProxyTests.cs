using Gateway.Admin;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Gateway.Server.Tests.Admin;

/// <summary>Forwarded headers count only from <c>Gateway:Admin:TrustedProxies</c>, through the guard's whole pipeline.</summary>
public sealed class TrustedProxyTests
{
    private static async Task<(bool Passed, string? SeenClient)> RunAsync(AdminHost host, HttpContext context)
    {
        var passed = false;
        string? seen = null;
        var app = new ApplicationBuilder(host.Services);
        app.UseGatewayAdminGuard();
        app.Run(c =>
        {
            passed = true;
            seen = c.Connection.RemoteIpAddress?.ToString();
            return Task.CompletedTask;
        });
        await app.Build()(context);
        return (passed, seen);
    }

    private static HttpContext Forwarded(AdminHost host, string proxy)
    {
        var context = host.Request("/api/v1/certificates", proxy);
        context.Request.Headers["X-Forwarded-Proto"] = "https";
        context.Request.Headers["X-Forwarded-For"] = "192.0.2.9";
        return context;
    }

    [Fact]
    public async Task Guard_forwardedHttpsFromTrustedProxy_passesWithForwardedClientAddress()
    {
        using var host = new AdminHost(("Gateway:Admin:TrustedProxies:0", "10.0.0.5"));
        var (passed, client) = await RunAsync(host, Forwarded(host, "10.0.0.5"));
        Assert.True(passed);
        Assert.Equal("192.0.2.9", client);
    }

    [Fact]
    public async Task Guard_forwardedHttpsFromOtherAddress_refused403()
    {
        using var host = new AdminHost(("Gateway:Admin:TrustedProxies:0", "10.0.0.5"));
        var context = Forwarded(host, "10.0.0.6");
        var (passed, _) = await RunAsync(host, context);
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Fact]
    public async Task Guard_noTrustedProxiesForwardedFromLoopback_refused403()
    {
        using var host = new AdminHost();
        var context = Forwarded(host, "127.0.0.1");
        var (passed, _) = await RunAsync(host, context);
        Assert.False(passed);
        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
    }

    [Fact]
    public async Task Guard_nonAdminPathPlainHttpFromAfar_untouched()
    {
        using var host = new AdminHost();
        var (passed, _) = await RunAsync(host, host.Request("/ca/root.pem", "192.0.2.10"));
        Assert.True(passed);
    }
}
