using System.Formats.Asn1;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Gateway.Ca;

/// <summary>
/// Decides whether the certificate a remote silo presents (as TLS server or client) belongs to this cluster: it chains to
/// this gateway's root through one of its issuing CAs (custom root trust only, nothing downloaded, revocation not fetched),
/// is valid now, is for both TLS server and client authentication, and its only URI name is this cluster's
/// (<see cref="ClusterUri"/>). The certificates <see cref="SiloCertificateProvider"/> issues pass; nothing else does.
/// </summary>
public sealed class SiloCertificateValidator
{
    private const string ServerAuth = Oids.ServerAuth;
    private const string ClientAuth = Oids.ClientAuth;

    private readonly ICertificateAuthority _ca;
    private readonly TimeProvider _time;
    private readonly X509Certificate2 _root;

    /// <param name="ca">The gateway's CA, shared by every node of the cluster.</param>
    /// <param name="clusterUri">This cluster's identity, from <see cref="ClusterUri"/>.</param>
    /// <param name="timeProvider">The clock the validity is checked against.</param>
    public SiloCertificateValidator(ICertificateAuthority ca, string clusterUri, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(ca);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterUri);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _ca = ca;
        _time = timeProvider;
        _root = X509CertificateLoader.LoadCertificate(ca.RootCertificateDer);
        ExpectedUri = clusterUri;
    }

    /// <summary>The URI subject alternative name every silo certificate of this cluster carries, and no other certificate.</summary>
    public string ExpectedUri { get; }

    /// <summary>The identity of cluster <paramref name="clusterId"/> of service <paramref name="serviceId"/>.</summary>
    public static string ClusterUri(string serviceId, string clusterId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(serviceId);
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        return $"urn:gateway:cluster:{serviceId}:{clusterId}";
    }

    /// <summary>Null when <paramref name="certificate"/> belongs to this cluster, otherwise why it does not.</summary>
    public string? Check(X509Certificate2? certificate)
    {
        if (certificate is null)
        {
            return "no certificate";
        }

        using (var chain = new X509Chain { ChainPolicy = CreateChainPolicy() })
        {
            bool built = chain.Build(certificate);
            if (!built || chain.ChainElements.Count < 2)
            {
                string status = string.Join(", ", chain.ChainStatus.Select(s => s.Status.ToString()).Distinct());
                return $"it does not chain to this gateway's CA ({(status.Length == 0 ? "no chain" : status)})";
            }

            byte[] issuer = chain.ChainElements[1].Certificate.RawData;
            if (!_ca.Issuers.Any(i => i.Certificate.RawData.AsSpan().SequenceEqual(issuer)))
            {
                return "it was not issued by one of this gateway's issuing CAs";
            }
        }

        var ekus = certificate.Extensions.OfType<X509EnhancedKeyUsageExtension>()
            .SelectMany(e => e.EnhancedKeyUsages.Cast<Oid>())
            .Select(o => o.Value)
            .ToHashSet(StringComparer.Ordinal);
        if (!ekus.Contains(ServerAuth) || !ekus.Contains(ClientAuth))
        {
            return "it is not for both TLS server and client authentication";
        }

        List<string> uris;
        try
        {
            uris = certificate.Extensions.OfType<X509SubjectAlternativeNameExtension>().SelectMany(UriNames).ToList();
        }
        catch (AsnContentException)
        {
            return "its subjectAltName is malformed";
        }

        if (uris.Count != 1 || !string.Equals(uris[0], ExpectedUri, StringComparison.Ordinal))
        {
            return $"it does not carry this cluster's identity ({ExpectedUri})";
        }

        return null;
    }

    /// <summary>
    /// A fresh chain policy for TLS handshakes and <see cref="Check"/>: this gateway's root as the only trust anchor, its
    /// issuing CAs as intermediates, no downloads, no revocation fetch, the time of <see cref="TimeProvider"/>.
    /// </summary>
    public X509ChainPolicy CreateChainPolicy()
    {
        var policy = new X509ChainPolicy
        {
            TrustMode = X509ChainTrustMode.CustomRootTrust,
            RevocationMode = X509RevocationMode.NoCheck,
            DisableCertificateDownloads = true,
            VerificationTime = _time.GetUtcNow().UtcDateTime,
            VerificationTimeIgnored = false,
        };
        policy.CustomTrustStore.Add(_root);
        foreach (IssuingCa issuer in _ca.Issuers)
        {
            policy.ExtraStore.Add(issuer.Certificate);
        }

        return policy;
    }

    /// <summary>The URI names (tag [6]) of a subjectAltName extension.</summary>
    private static IEnumerable<string> UriNames(X509SubjectAlternativeNameExtension extension)
    {
        AsnReader reader = new AsnReader(extension.RawData, AsnEncodingRules.DER).ReadSequence();
        var uriTag = new Asn1Tag(TagClass.ContextSpecific, 6);
        var names = new List<string>();
        while (reader.HasData)
        {
            if (reader.PeekTag() == uriTag)
            {
                names.Add(reader.ReadCharacterString(UniversalTagNumber.IA5String, uriTag));
            }
            else
            {
                reader.ReadEncodedValue();
            }
        }

        return names;
    }
}
