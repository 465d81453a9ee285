using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Xunit.Abstractions;

namespace Gateway.Interop.Tests;

/// <summary>Pieces the multi-node tests share.</summary>
internal static class ClusterNodes
{
    /// <summary>
    /// Cluster mode requires <c>Gateway:PublicBaseUrl</c> (a host other nodes and clients reach, not loopback); the tests never
    /// follow the URLs certificates carry, so a name under <c>.test</c> does.
    /// </summary>
    public const string PublicBaseUrlArg = "--Gateway:PublicBaseUrl=http://gateway.cluster.test";

    /// <summary>A PEM PKCS#10 for a fresh P-256 key, CN and DNS SAN = <paramref name="dnsName"/>.</summary>
    public static string Csr(string dnsName)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest($"CN={dnsName}", key, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(dnsName);
        request.CertificateExtensions.Add(san.Build());
        return request.CreateSigningRequestPem();
    }

    /// <summary>An admin API client of <paramref name="node"/> with the bootstrap key.</summary>
    public static HttpClient Client(GatewayProcess node, string key)
    {
        var client = new HttpClient { BaseAddress = new Uri(node.HttpUrl), Timeout = TimeSpan.FromSeconds(60) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return client;
    }

    /// <summary>
    /// The environment of a further node: <paramref name="environment"/> plus node A's PostgreSQL (its embedded one, under
    /// <paramref name="dataA"/>) through ConnectionStrings:Gateway, and A's generated dev credential key as configuration,
    /// so both decrypt the same credential secrets. The CA directory is an argument (<c>--Gateway:Ca:Directory</c>).
    /// </summary>
    public static Dictionary<string, string> JoiningEnvironment(string dataA, IReadOnlyDictionary<string, string> environment)
    {
        var pg = Path.Combine(dataA, "pg");
        return new Dictionary<string, string>(environment)
        {
            ["ConnectionStrings__Gateway"] = $"Host=127.0.0.1;Port={File.ReadAllText(Path.Combine(pg, "gateway.port")).Trim()};Database=gateway;" +
                $"Username=gateway;Password={File.ReadAllText(Path.Combine(pg, "gateway.password")).Trim()}",
            ["Gateway__Credentials__EncryptionKey"] = File.ReadAllText(Path.Combine(dataA, "credential-key")).Trim(),
        };
    }

    /// <summary>
    /// The end of a two-node test: on failure the nodes' own words (a failure may only show on a busy machine), then B
    /// first (A owns the PostgreSQL both use and stops it), then A, then A's PostgreSQL if a failed run left it running.
    /// </summary>
    public static async Task StopAsync(ITestOutputHelper output, bool passed, string dataA, GatewayProcess? a, GatewayProcess? b)
    {
        if (!passed)
        {
            foreach (var (name, node) in new[] { ("A", a), ("B", b) })
            {
                if (node is not null) output.WriteLine($"----- node {name} log (tail) -----\n{node.Log[^Math.Min(node.Log.Length, 20_000)..]}");
            }
        }
        if (b is not null) await b.DisposeAsync();
        if (a is not null) await a.DisposeAsync();
        StopOrphanedPostgres(Path.Combine(dataA, "pg"));
    }

    /// <summary>If a failed run left the embedded PostgreSQL running, fast-shut it down (SIGINT).</summary>
    public static void StopOrphanedPostgres(string pgDir)
    {
        var pidFile = Path.Combine(pgDir, "postmaster.pid");
        if (!File.Exists(pidFile)) return;
        if (!int.TryParse(File.ReadLines(pidFile).FirstOrDefault(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)) return;
        using var kill = Process.Start("kill", ["-INT", pid.ToString(CultureInfo.InvariantCulture)]);
        kill?.WaitForExit();
        for (var i = 0; i < 100 && File.Exists(pidFile); i++) Thread.Sleep(100);
    }
}
