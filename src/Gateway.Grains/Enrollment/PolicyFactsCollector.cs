using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Pkix.Csr;
using Gateway.Policy;
using Gateway.Store;
using Gateway.Store.Records;

namespace Gateway.Grains.Enrollment;

/// <summary>
/// Gathers the facts only the store knows, and only those the profile needs: whether the key is certified for
/// another subject (when <c>keys.allowReuse</c> is false) and, for a renewal, the certificate being renewed (which
/// must exist and be valid) with its expiry, its key and whether the requester authenticated with it. Quota counts
/// come from <see cref="QuotaSlots"/>. A request that needs no fact costs no query.
/// </summary>
internal sealed class PolicyFactsCollector(EnrollmentQueries enrollments, InventoryQueries inventory)
{
    /// <summary>The facts (null when none applies), the certificate being renewed, or why the renewal is refused outright.</summary>
    internal sealed record Result(PolicyFacts? Facts, CertificateRecord? Renewed, FiredRule? RenewalRefusal);

    public async Task<Result> GatherAsync(CompiledProfile? profile, PolicyInput input, string spkiSha256)
    {
        bool? keyInUse = null;
        if (profile is { AllowKeyReuse: false })
        {
            keyInUse = await KeyInUseByOtherSubjectAsync(input, spkiSha256);
        }

        CertificateRecord? renewed = null;
        DateTimeOffset? renewalNotAfter = null;
        bool? reusesKey = null;
        bool? authenticatedWithRenewed = null;
        byte[]? renewedSubject = null;
        IReadOnlyList<SubjectAltName>? renewedSans = null;
        if (input.RenewalOf is { } renewalOf)
        {
            renewed = await inventory.GetCertificateAsync(renewalOf);
            if (RefuseRenewal(renewalOf, renewed, input.Now) is { } refusal) return new Result(null, renewed, refusal);
            renewalNotAfter = renewed!.NotAfter;
            reusesKey = string.Equals(renewed.SpkiSha256 ?? SpkiSha256Of(renewed.Der), spkiSha256, StringComparison.Ordinal);
            // Front-ends set RenewalOf from the certificate the requester authenticated with (EST simplereenroll, CMP kur,
            // SCEP renewal); the requester then carries that certificate's subject.
            authenticatedWithRenewed = input.Requester.AuthenticationMethod is AuthenticationMethods.GatewayCertificate or AuthenticationMethods.ClientCertificate or AuthenticationMethods.Signature
                && string.Equals(input.Requester.Principal, renewed.Subject, StringComparison.Ordinal);
            if (profile is { KeepsNamesOnRenewal: true }) (renewedSubject, renewedSans) = NamesOf(renewed.Der);
        }

        if (keyInUse is null && renewed is null) return new Result(null, null, null);
        return new Result(new PolicyFacts
        {
            KeyInUseByOtherSubject = keyInUse,
            RenewalOfNotAfter = renewalNotAfter,
            RenewalReusesKey = reusesKey,
            AuthenticatedWithRenewedCertificate = authenticatedWithRenewed,
            RenewalOfSubject = renewedSubject,
            RenewalOfSubjectAltNames = renewedSans,
        }, renewed, null);
    }

    public static string SpkiSha256(byte[] subjectPublicKeyInfo) => Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo));

    /// <summary>A valid certificate with the same public key whose subject differs from the requested one (compared as DER).</summary>
    private async Task<bool> KeyInUseByOtherSubjectAsync(PolicyInput input, string spkiSha256)
    {
        var holders = await enrollments.FindValidByKeyAsync(spkiSha256, input.Now);
        foreach (var holder in holders)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(holder.Der);
            if (!certificate.SubjectName.RawData.AsSpan().SequenceEqual(input.Subject)) return true;
        }
        return false;
    }

    private static FiredRule? RefuseRenewal(string serial, CertificateRecord? renewed, DateTimeOffset now)
    {
        var problem = renewed switch
        {
            null => $"The certificate {serial} named for renewal is unknown to this gateway",
            { Status: "Revoked" or "OnHold" } => $"The certificate {serial} named for renewal is {(renewed.Status == "OnHold" ? "on hold" : "revoked")}",
            _ when renewed.Status == "Expired" || renewed.NotAfter <= now => $"The certificate {serial} named for renewal expired at {renewed.NotAfter:u}; enroll anew",
            _ => null,
        };
        return problem is null ? null : new FiredRule("renewal.certificate", DecisionEffect.Deny, problem);
    }

    /// <summary>The subject and subjectAltNames of a stored certificate, read as a request's are; nulls when it cannot be read.</summary>
    private static (byte[]? Subject, IReadOnlyList<SubjectAltName>? Sans) NamesOf(byte[] der)
    {
        if (der.Length == 0) return (null, null);
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        var sans = new List<SubjectAltName>();
        try
        {
            foreach (var extension in certificate.Extensions)
            {
                if (extension.Oid?.Value == SubjectAltNameExtension.Oid) sans.AddRange(SubjectAltNameExtension.Read(extension.RawData).ToContracts());
            }
        }
        catch (CsrFormatException)
        {
            return (null, null); // not one of ours as written: the other renewal rules still apply
        }
        return (certificate.SubjectName.RawData, sans);
    }

    private static string? SpkiSha256Of(byte[] der)
    {
        if (der.Length == 0) return null;
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        return SpkiSha256(certificate.PublicKey.ExportSubjectPublicKeyInfo());
    }
}
