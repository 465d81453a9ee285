using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;

namespace Gateway.Grains;

/// <summary>
/// The enrollment grain's side of credentials: when the requester authenticated with an enrollment credential (EST
/// Basic, SCEP challengePassword, CMP MAC, ACME EAB), count one use of it for this enrollment, or say why not as a
/// deny rule <c>credential.&lt;status&gt;</c> (e.g. <c>credential.exhausted</c>). The enrollment id is the use's
/// reference, so a retried enrollment is counted once.
/// </summary>
internal static class CredentialUseCheck
{
    private const string CommonNameOid = "2.5.4.3";

    /// <summary>Null when the requester is not a credential or its use was counted; otherwise the rule that refuses the enrollment.</summary>
    public static async Task<FiredRule?> ConsumeAsync(IGrainFactory grains, string enrollmentId, EnrollmentRequest request, PolicyInput input)
    {
        if (!CredentialMethods.IsCredentialMethod(request.Requester.AuthenticationMethod)) return null;
        var credentialId = request.Requester.Principal;
        CredentialCheck check;
        if (!CredentialSecrets.IsWellFormedId(credentialId))
        {
            check = new CredentialCheck(CredentialCheckStatus.NotFound, "unknown credential", 0, null);
        }
        else
        {
            var use = new CredentialUse(request.Profile, request.Protocol, null, Names(input), enrollmentId);
            check = await grains.GetGrain<ICredentialGrain>(credentialId).ConsumeAsync(use);
        }
        return check.Valid
            ? null
            : new FiredRule("credential." + CredentialRules.Slug(check.Status), DecisionEffect.Deny, $"Credential {credentialId}: {check.Reason}.");
    }

    /// <summary>The requested subject CN values and subjectAltName values.</summary>
    internal static IReadOnlyList<string> Names(PolicyInput input)
    {
        var names = new List<string>();
        try
        {
            foreach (var rdn in new X500DistinguishedName(input.Subject).EnumerateRelativeDistinguishedNames())
            {
                if (!rdn.HasMultipleElements && rdn.GetSingleElementType().Value == CommonNameOid && rdn.GetSingleElementValue() is { Length: > 0 } cn)
                {
                    names.Add(cn);
                }
            }
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // An undecodable subject names nothing here; the policy has its own view of it.
        }
        names.AddRange(input.SubjectAltNames.Select(s => s.Value));
        return names;
    }
}
