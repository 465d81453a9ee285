using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Interop.Tests;

/// <summary>Pieces the multi-node tests share.</summary>
internal static class ClusterNodes
{
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
