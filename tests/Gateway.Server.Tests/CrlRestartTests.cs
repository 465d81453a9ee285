using System.Net;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Org.BouncyCastle.Asn1;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.X509;

namespace Gateway.Server.Tests;

/// <summary>
/// The CRL number survives a restart: a second host on the same data directory continues above the first's numbers.
/// In the gateway collection so it does not run beside the shared host (two embedded PostgreSQLs at once on a small machine).
/// </summary>
[Collection(GatewayCollection.Name)]
public sealed class CrlRestartTests : IDisposable
{
    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gateway-crl-restart-" + Guid.NewGuid().ToString("N")[..12]);

    private async Task<WebApplication> StartAsync()
    {
        var app = await GatewayApp.BuildAsync([
            $"--Gateway:DataDir={_dataDir}",
            "--urls=http://127.0.0.1:0",
            $"--Gateway:Cluster:SiloPort={GatewayFixture.FreePort()}",
            $"--Gateway:Cluster:GatewayPort={GatewayFixture.FreePort()}",
            $"--Gateway:Policies:Path={Path.Combine(GatewayFixture.RepoRoot(), "policies")}",
            "--Gateway:Admin:BootstrapApiKey=crl-restart-key-0123456789",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await app.StartAsync();
        return app;
    }

    private static async Task<long> CrlNumberAsync(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var response = await http.GetAsync("/crl/default.crl");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var crl = new X509CrlParser().ReadCrl(await response.Content.ReadAsByteArrayAsync());
        return DerInteger.GetInstance(Asn1Object.FromByteArray(crl.GetExtensionValue(X509Extensions.CrlNumber).GetOctets())).LongValueExact;
    }

    [Fact]
    public async Task Crl_number_keeps_growing_across_a_restart()
    {
        long first;
        var app = await StartAsync();
        try
        {
            first = await CrlNumberAsync(app);
            Assert.True(first >= 1);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }

        app = await StartAsync();
        try
        {
            Assert.True(await CrlNumberAsync(app) > first);
        }
        finally
        {
            await app.StopAsync();
            await app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Crl_last_published_is_served_while_a_new_one_cannot_be_published()
    {
        var app = await StartAsync();
        try
        {
            var (number, der) = await CrlAsync(app);
            KillPostgres();
            // A revocation notice arrives, but the store is gone: the new CRL can be neither numbered nor committed.
            var issuer = app.Services.GetRequiredService<Gateway.Ca.ICertificateAuthority>().DefaultIssuerId;
            await app.Services.GetRequiredService<IGrainFactory>().GetGrain<Gateway.Contracts.Grains.ICrlGrain>(issuer).RequestUpdateAsync();
            await Task.Delay(500);

            var (servedNumber, served) = await CrlAsync(app);

            Assert.Equal(number, servedNumber);
            Assert.Equal(der, served);
        }
        finally
        {
            using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try { await app.StopAsync(stop.Token); } catch (Exception) { /* the store is gone: stopping may complain */ }
            await app.DisposeAsync();
        }
    }

    /// <summary>Kills the embedded PostgreSQL's postmaster (its backends follow): every store call fails from now on.</summary>
    private void KillPostgres()
    {
        var pidFile = Directory.GetFiles(_dataDir, "postmaster.pid", SearchOption.AllDirectories).Single();
        var pid = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
        using var postmaster = System.Diagnostics.Process.GetProcessById(pid);
        postmaster.Kill();
        postmaster.WaitForExit(10_000);
        Thread.Sleep(500); // backends notice their postmaster is gone and exit
    }

    private static async Task<(long Number, byte[] Der)> CrlAsync(WebApplication app)
    {
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var response = await http.GetAsync("/crl/default.crl");
        var body = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
        var crl = new X509CrlParser().ReadCrl(body);
        return (DerInteger.GetInstance(Asn1Object.FromByteArray(crl.GetExtensionValue(X509Extensions.CrlNumber).GetOctets())).LongValueExact, body);
    }

    public void Dispose()
    {
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
