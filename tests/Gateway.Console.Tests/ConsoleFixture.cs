using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using Gateway.Server.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Gateway.Console.Tests;

/// <summary>
/// A gateway started in this process (embedded PostgreSQL, the shipped profiles) and Debian's Chromium driven headless by
/// Playwright (the system browser: nothing is downloaded). Screenshots go to <see cref="ScreenshotDir"/>.
/// </summary>
public sealed class ConsoleFixture : IAsyncLifetime
{
    public const string AdminKey = "console-admin-key-0123456789";
    public const string AuditorKey = "console-auditor-key-0123456789";
    public const string PolicyAdminKey = "console-policy-admin-key-0123456789";
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "gateway-console-" + Guid.NewGuid().ToString("N")[..12]);
    private IPlaywright? _playwright;

    public WebApplication App { get; private set; } = null!;
    public Uri BaseAddress { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;
    public string ScreenshotDir { get; } = Path.Combine(AppContext.BaseDirectory, "console-screenshots");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(ScreenshotDir);
        App = await GatewayApp.BuildAsync([
            $"--Gateway:DataDir={_dataDir}",
            "--urls=http://127.0.0.1:0;https://127.0.0.1:0",
            $"--Gateway:Cluster:SiloPort={FreePort()}",
            $"--Gateway:Cluster:GatewayPort={FreePort()}",
            $"--Gateway:Policies:Path={Path.Combine(AppContext.BaseDirectory, "testdata", "policies")}",
            $"--Gateway:Admin:BootstrapApiKey={AdminKey}",
            "--Gateway:Admin:ApiKeys:0:Name=auditor-1",
            $"--Gateway:Admin:ApiKeys:0:Key={AuditorKey}",
            "--Gateway:Admin:ApiKeys:0:Roles:0=auditor",
            "--Gateway:Admin:ApiKeys:1:Name=policy-admin-1",
            $"--Gateway:Admin:ApiKeys:1:Key={PolicyAdminKey}",
            "--Gateway:Admin:ApiKeys:1:Roles:0=policy-admin",
            "--Logging:LogLevel:Default=Warning",
        ]);
        await App.StartAsync();
        var addresses = App.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
        if (!File.Exists(ChromiumPath)) throw new InvalidOperationException($"{ChromiumPath} is missing: apt-get install -y chromium (.ci/run installs it).");
        _playwright = await Playwright.CreateAsync();
        Browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = ChromiumPath, Headless = true, Args = ["--no-sandbox"] });
    }

    public HttpClient Api(string key = AdminKey)
    {
        var client = new HttpClient { BaseAddress = BaseAddress };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    public async Task<IPage> SignedInPageAsync(string key)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress.ToString().TrimEnd('/'), ViewportSize = new() { Width = 1366, Height = 800 } });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/console");
        await page.FillAsync("#api-key", key);
        await page.ClickAsync("#sign-in-form button[type=submit]");
        // Admins and auditors land on the dashboard, policy admins on the policies.
        await page.WaitForSelectorAsync("#dashboard .cards, #dashboard .error, #policies table, #policies .error");
        return page;
    }

    public async Task ScreenshotAsync(IPage page, string name)
    {
        var path = Path.Combine(ScreenshotDir, name + ".png");
        await page.ScreenshotAsync(new() { Path = path, FullPage = true });
        System.Console.WriteLine("screenshot: " + path);
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null) await Browser.DisposeAsync();
        _playwright?.Dispose();
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }
        try { Directory.Delete(_dataDir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    /// <summary>A PEM CSR for a fresh P-256 key with CN and DNS SAN <paramref name="name"/>.</summary>
    public static string Csr(string name)
    {
        using var key = System.Security.Cryptography.ECDsa.Create(System.Security.Cryptography.ECCurve.NamedCurves.nistP256);
        var request = new System.Security.Cryptography.X509Certificates.CertificateRequest("CN=" + name, key,
            System.Security.Cryptography.HashAlgorithmName.SHA256);
        var san = new System.Security.Cryptography.X509Certificates.SubjectAlternativeNameBuilder();
        san.AddDnsName(name);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequestPem();
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
public sealed class ConsoleCollection : ICollectionFixture<ConsoleFixture>
{
    public const string Name = "console";
}
