using System.Diagnostics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;

namespace Gateway.Ca.Tests;

/// <summary>Cross-checks issued certificates with the openssl CLI when it is on PATH (passes vacuously otherwise).</summary>
public sealed class OpenSslInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("ecdsa-p256")]
    [InlineData("ecdsa-p384")]
    [InlineData("rsa-3072")]
    public void Issue_certificate_opensslVerifyReturnsOk(string issuingAlgorithm)
    {
        string? openssl = FindOpenSsl();
        if (openssl is null)
        {
            return;
        }

        using CertificateAuthority ca = Given.Ca(Given.Options(_dir, o => o.IssuingKeyAlgorithm = issuingAlgorithm));
        IssuedCertificate issued = ca.Issue(Given.Template(
            subject: Given.EmptyName(),
            sans: [SubjectAltName.Dns("device.example.com"), SubjectAltName.Ip("2001:db8::7"), SubjectAltName.Email("a@example.com")],
            keyUsage: (int)(X509KeyUsageFlags.DigitalSignature | X509KeyUsageFlags.KeyAgreement),
            ekus: ["1.3.6.1.5.5.7.3.2", "1.3.6.1.5.5.7.3.1"],
            policies: ["2.23.140.1.2.1"]));

        string root = Write("root.pem", ca.RootCertificateDer);
        string issuing = Write("issuing.pem", issued.ChainDer[0]);
        string leaf = Write("leaf.pem", issued.Der);

        (int exitCode, string output) = Run(openssl, "verify", "-x509_strict", "-purpose", "sslclient", "-CAfile", root, "-untrusted", issuing, leaf);

        Assert.True(exitCode == 0, output);
        Assert.Contains($"{leaf}: OK", output);

        (exitCode, output) = Run(openssl, "x509", "-in", leaf, "-noout", "-text");
        Assert.Equal(0, exitCode);
        Assert.Contains("IP Address:2001:DB8:0:0:0:0:0:7", output);
        Assert.Contains("CA:FALSE", output);
    }

    private string Write(string name, byte[] der)
    {
        string path = _dir.Combine(name);
        File.WriteAllText(path, PemEncoding.WriteString("CERTIFICATE", der) + "\n");
        return path;
    }

    private static string? FindOpenSsl() =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .SelectMany(d => new[] { Path.Combine(d, "openssl"), Path.Combine(d, "openssl.exe") })
            .FirstOrDefault(File.Exists);

    private static (int ExitCode, string Output) Run(string file, params string[] arguments)
    {
        var start = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using Process process = Process.Start(start)!;
        Task<string> stdout = process.StandardOutput.ReadToEndAsync();
        Task<string> stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, stdout.Result + stderr.Result);
    }
}
