using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Gateway.Server.Tests;

/// <summary>
/// One gateway per test run: the real host (Kestrel, Orleans silo, embedded PostgreSQL started by the same launcher
/// the server uses) in this process, on free loopback ports, in a throwaway data directory.
/// </summary>
public class GatewayFixture : IAsyncLifetime
{
    public const string AdminKey = "test-admin-key-0123456789";
    public const string AuditorKey = "test-auditor-key-0123456789";
    public const string PolicyAdminKey = "test-policy-admin-key-0123456789";

    public string DataDir { get; } = Path.Combine(Path.GetTempPath(), "gateway-tests-" + Guid.NewGuid().ToString("N")[..12]);
    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public Uri HttpsAddress { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await GatewayApp.BuildAsync([
            $"--Gateway:DataDir={DataDir}",
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
            $"--Gateway:Cluster:SiloPort={FreePort()}",
            $"--Gateway:Cluster:GatewayPort={FreePort()}",
            $"--Gateway:Policies:Path={Path.Combine(AppContext.BaseDirectory, "testdata", "policies")}",
            $"--Gateway:Admin:BootstrapApiKey={AdminKey}",
            // Every test client is 127.0.0.1; the interop EstCredentialGuessingTests test the limit on failed credential checks.
            "--Gateway:EnrollmentPort:CredentialFailureLimit=100000",
            "--Gateway:Admin:ApiKeys:0:Name=auditor-1",
            $"--Gateway:Admin:ApiKeys:0:Key={AuditorKey}",
            "--Gateway:Admin:ApiKeys:0:Roles:0=auditor",
            "--Gateway:Admin:ApiKeys:1:Name=policy-admin-1",
            $"--Gateway:Admin:ApiKeys:1:Key={PolicyAdminKey}",
            "--Gateway:Admin:ApiKeys:1:Roles:0=policy-admin",
            // Short, so ConfirmationTests sees an unconfirmed certificate revoked; only requests that ask for confirmation have one.
            "--Gateway:Enrollment:ConfirmationWindow=00:00:05",
            "--Logging:LogLevel:Default=Warning",
            .. ExtraArguments,
        ]);
        await App.StartAsync();
        var addresses = App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
        HttpsAddress = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal)));
    }

    /// <summary>Settings a derived fixture adds (or overrides) on the command line.</summary>
    protected virtual IEnumerable<string> ExtraArguments => [];

    /// <summary>A client of the HTTPS listener (the gateway's own certificate is accepted as is).</summary>
    public HttpClient HttpsClient(string? apiKey = AdminKey)
    {
        var handler = new HttpClientHandler { ServerCertificateCustomValidationCallback = HttpClientHandler.DangerousAcceptAnyServerCertificateValidator };
        var client = new HttpClient(handler) { BaseAddress = HttpsAddress };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public HttpClient Client(string? apiKey = AdminKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        if (apiKey is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        return client;
    }

    public virtual async Task DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        try { Directory.Delete(DataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public static int FreePort() => Gateway.TestSupport.TestPorts.Free();

    public static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Gateway.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("Gateway.sln not found above " + AppContext.BaseDirectory);
    }
}

[CollectionDefinition(Name)]
public sealed class GatewayCollection : ICollectionFixture<GatewayFixture>
{
    public const string Name = "gateway";
}
