using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.LoadTests.Cli;

namespace Gateway.LoadTests.Tls;

/// <summary>
/// The client side of TLS: which server certificates are accepted (<c>--insecure</c>, <c>--cacert</c>, or the system
/// store) and which client certificate is offered (<c>--est-client-cert</c>). The handshake happens once per pooled
/// connection, so none of this is on the timed path after the first second.
/// </summary>
internal static class TlsSetup
{
    public static void Configure(SslClientAuthenticationOptions ssl, HarnessOptions options)
    {
        if (options.Insecure)
        {
            ssl.RemoteCertificateValidationCallback = static (_, _, _, _) => true;
        }
        else if (options.CaCertFile is { } file)
        {
            var roots = new X509Certificate2Collection();
            try
            {
                roots.ImportFromPemFile(file);
            }
            catch (CryptographicException ex)
            {
                throw new UsageException($"--cacert '{file}' is not a PEM certificate file: {ex.Message}");
            }
            if (roots.Count == 0) throw new UsageException($"--cacert '{file}' holds no certificate");
            ssl.CertificateChainPolicy = new X509ChainPolicy
            {
                TrustMode = X509ChainTrustMode.CustomRootTrust,
                RevocationMode = X509RevocationMode.NoCheck,
            };
            ssl.CertificateChainPolicy.CustomTrustStore.AddRange(roots);
        }

        if (options.EstClientCert is { } certFile)
        {
            var certificate = LoadClientCertificate(certFile, options.EstClientKey);
            ssl.ClientCertificates = [certificate];
            // Offer it whatever the server lists as acceptable issuers (Kestrel in AllowCertificate mode lists none).
            ssl.LocalCertificateSelectionCallback = (_, _, _, _, _) => certificate;
        }
    }

    /// <summary>A certificate with its private key from PEM files (the key may be in the certificate file).</summary>
    public static X509Certificate2 LoadClientCertificate(string certFile, string? keyFile)
    {
        try
        {
            using var pem = X509Certificate2.CreateFromPemFile(certFile, keyFile);
            if (!pem.HasPrivateKey) throw new UsageException($"--est-client-cert '{certFile}': no private key found (give --est-client-key)");
            // An ephemeral PEM key works for SslStream on Linux; a PKCS#12 round trip makes it work everywhere.
            return X509CertificateLoader.LoadPkcs12(pem.Export(X509ContentType.Pkcs12), null);
        }
        catch (CryptographicException ex)
        {
            throw new UsageException($"--est-client-cert '{certFile}'{(keyFile is null ? "" : $" / --est-client-key '{keyFile}'")}: {ex.Message}");
        }
    }
}
