using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Inventory;
using Gateway.Protocols.Acme.Jws;

namespace Gateway.Protocols.Acme;

/// <summary>
/// ACME Renewal Information (RFC 9773). A certificate is named by its ARI identifier, base64url(AKI keyIdentifier) "."
/// base64url(serial DER content); the suggested window is the fifth sixth of its lifetime (from 2/3 to 5/6), so a fleet
/// renews well before expiry and spread over time, and in the past (renew now) once it is revoked.
/// </summary>
internal static class AcmeRenewalInfo
{
    public sealed record SuggestedWindow(DateTimeOffset Start, DateTimeOffset End, string? Reason);

    /// <summary>The canonical serial (lowercase hex, no leading zero bytes) an ARI identifier names, or null when it is not one.</summary>
    public static string? SerialOf(string id)
    {
        if (id.Length > 512) return null;
        var dot = id.IndexOf('.');
        if (dot <= 0 || dot != id.LastIndexOf('.')) return null;
        if (!JwsBase64.TryDecode(id[..dot], out var keyId) || keyId.Length == 0) return null;
        if (!JwsBase64.TryDecode(id[(dot + 1)..], out var serial) || serial.Length is 0 or > 21) return null;
        return Pkix.SerialNumbers.Canonical(serial);
    }

    /// <summary>The ARI identifier of a certificate.</summary>
    public static string IdOf(X509Certificate2 certificate)
    {
        var aki = certificate.Extensions.OfType<X509AuthorityKeyIdentifierExtension>().FirstOrDefault()?.KeyIdentifier
            ?? throw new InvalidOperationException("The certificate has no authority key identifier.");
        return System.Buffers.Text.Base64Url.EncodeToString(aki.Span) + "." + System.Buffers.Text.Base64Url.EncodeToString(certificate.SerialNumberBytes.Span);
    }

    public static SuggestedWindow Window(CertificateInfo certificate, DateTimeOffset now)
    {
        if (certificate.Status == CertificateStatus.Revoked)
            return new SuggestedWindow(now - TimeSpan.FromHours(2), now - TimeSpan.FromHours(1), "revoked");
        var lifetime = certificate.NotAfter - certificate.NotBefore;
        return new SuggestedWindow(certificate.NotBefore + lifetime * 2 / 3, certificate.NotBefore + lifetime * 5 / 6, null);
    }
}
