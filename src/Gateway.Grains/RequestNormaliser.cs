using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Pkix;
using Gateway.Pkix.Csr;

namespace Gateway.Grains;

/// <summary>Turns either form of <see cref="EnrollmentRequest"/> (PKCS#10 or key + template) into the <see cref="PolicyInput"/> policy decides on.</summary>
internal static class RequestNormaliser
{
    internal sealed record Problem(RejectionReason Reason, string Message);

    public static bool TryNormalise(EnrollmentRequest request, DateTimeOffset now,
        [NotNullWhen(true)] out PolicyInput? input, out byte[]? csrDer, [NotNullWhen(false)] out Problem? problem)
    {
        input = null;
        problem = null;
        csrDer = request.Csr;
        if (request.Csr is { } der)
        {
            if (!Pkcs10Request.TryParse(der, out var csr, out var error))
            {
                problem = new Problem(RejectionReason.BadRequest, error);
                return false;
            }
            if (!csr.SignatureAlgorithmSupported)
            {
                problem = new Problem(RejectionReason.BadAlgorithm,
                    $"The CSR is signed with {csr.SignatureAlgorithmOid}, which the gateway cannot verify; sign it with ECDSA, RSA PKCS#1 v1.5 or RSASSA-PSS over SHA-256, SHA-384 or SHA-512.");
                return false;
            }
            if (!csr.VerifySignature())
            {
                problem = new Problem(RejectionReason.BadSignature, "The CSR's signature does not verify with its public key (proof of possession failed).");
                return false;
            }
            input = new PolicyInput(request.Protocol, request.Requester, csr.Subject, csr.SubjectText, csr.SubjectPublicKeyInfo,
                csr.Key.ToContract(), csr.SubjectAltNames.ToContracts(), csr.RequestedExtensions.ToContracts(), request.RenewalOf, now);
            return true;
        }
        if (request.Template is { } template)
        {
            if (!SpkiReader.TryDescribe(template.SubjectPublicKeyInfo, out var key, out var keyError))
            {
                problem = new Problem(RejectionReason.BadCertTemplate, "The requested public key is malformed: " + keyError);
                return false;
            }
            var subject = template.Subject ?? DerName.Empty.ToArray();
            string? subjectText = null;
            if (DerName.TryCheck(subject, out _, out _))
            {
                try
                {
                    subjectText = new X500DistinguishedName(subject).Name;
                }
                catch (System.Security.Cryptography.CryptographicException)
                {
                }
            }
            if (subjectText is null)
            {
                problem = new Problem(RejectionReason.BadCertTemplate, "The requested subject is not a DER-encoded Name.");
                return false;
            }
            input = new PolicyInput(request.Protocol, request.Requester, subject, subjectText, template.SubjectPublicKeyInfo,
                key.ToContract(), template.SubjectAltNames, template.Extensions, request.RenewalOf, now);
            return true;
        }
        problem = new Problem(RejectionReason.BadRequest, "The request carries neither a CSR nor a public key.");
        return false;
    }
}
