using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Grains.Enrollment;
using Gateway.Policy;

namespace Gateway.Grains;

/// <summary>
/// The enrollment grain's side of credentials: when the requester authenticated with an enrollment credential (EST
/// Basic, SCEP challengePassword, CMP MAC, ACME EAB), count one use of it for this enrollment, or say why not as a
/// deny rule <c>credential.&lt;status&gt;</c> (e.g. <c>credential.exhausted</c>). The enrollment id is the use's
/// reference, so a retried enrollment is counted once.
/// </summary>
internal static class CredentialUseCheck
{
    /// <summary>
    /// Reserves the use for the enrollment: null and null when the requester is not a credential; the rule that refuses
    /// the enrollment; or the use to spend in the issuance commit (<see cref="CredentialSpend"/>). Nothing is spent here.
    /// </summary>
    public static async Task<(FiredRule? Refusal, CredentialSpend? Spend)> ReserveAsync(IGrainFactory grains, string enrollmentId, EnrollmentRequest request,
        PolicyInput input)
    {
        if (!CredentialMethods.IsCredentialMethod(request.Requester.AuthenticationMethod)) return (null, null);
        var credentialId = request.Requester.Principal;
        CredentialCheck check;
        CredentialSpend? spend = null;
        if (!CredentialSecrets.IsWellFormedId(credentialId))
        {
            check = new CredentialCheck(CredentialCheckStatus.NotFound, "unknown credential", 0, null);
        }
        else if (!TryGetNames(input, out var names, out var error))
        {
            check = new CredentialCheck(CredentialCheckStatus.SubjectNotAllowed, error, 0, null);
        }
        else
        {
            var use = new CredentialUse(request.Profile, request.Protocol, null, names, enrollmentId);
            var reservation = await grains.Reference<ICredentialGrain>(credentialId).ReserveUseAsync(use);
            check = reservation.Check;
            if (check.Valid) spend = new CredentialSpend(credentialId, use, reservation);
        }
        return check.Valid
            ? (null, spend)
            : (new FiredRule("credential." + CredentialRules.Slug(check.Status), DecisionEffect.Deny, $"Credential {credentialId}: {check.Reason}."), null);
    }

    /// <summary>
    /// Whether a stored certificate may still be handed to this requester again (a retransmission): not when the
    /// credential it authenticated with has been revoked or has expired since. Null: it may; otherwise why not.
    /// </summary>
    public static async Task<string?> ReplayRefusalAsync(IGrainFactory grains, Requester requester)
    {
        if (!CredentialMethods.IsCredentialMethod(requester.AuthenticationMethod) || !CredentialSecrets.IsWellFormedId(requester.Principal)) return null;
        var info = await grains.Reference<ICredentialGrain>(requester.Principal).GetAsync();
        return info?.Status switch
        {
            null => $"Credential {requester.Principal} is unknown.",
            CredentialStatus.Revoked => $"Credential {requester.Principal} was revoked at {info.RevokedAt:O}; its certificate is not handed out again.",
            CredentialStatus.Expired => $"Credential {requester.Principal} expired at {info.ExpiresAt:O}; its certificate is not handed out again.",
            _ => null,
        };
    }

    /// <summary>
    /// The request with the credential's claims on its requester (<see cref="RequesterClaims.CredentialSubject"/>, when
    /// the credential binds exactly one subject), so profiles can bind names to it; unchanged for other requesters.
    /// </summary>
    public static async Task<PolicyInput> WithCredentialClaimsAsync(IGrainFactory grains, PolicyInput input)
    {
        var requester = input.Requester;
        if (!CredentialMethods.IsCredentialMethod(requester.AuthenticationMethod) || !CredentialSecrets.IsWellFormedId(requester.Principal)) return input;
        var info = await grains.Reference<ICredentialGrain>(requester.Principal).GetAsync();
        if (info is not { Subjects.Count: 1 }) return input;
        var claims = new Dictionary<string, string>(requester.Claims ?? new Dictionary<string, string>(), StringComparer.Ordinal)
        {
            [RequesterClaims.CredentialSubject] = info.Subjects[0],
        };
        return input with { Requester = requester with { Claims = claims } };
    }

    /// <summary>
    /// The requested subject's CN values, from every attribute of every RDN (a multi-valued RDN such as
    /// <c>CN=dev2.test+OU=x</c> cannot hide one), and the subjectAltName values; false with a reason when the subject
    /// does not decode or a CN is not a string.
    /// </summary>
    internal static bool TryGetNames(PolicyInput input, out IReadOnlyList<string> names, out string error)
    {
        var list = new List<string>();
        names = list;
        if (!SubjectNames.TryReadCommonNames(input.Subject, list, out error)) return false;
        list.RemoveAll(string.IsNullOrEmpty);
        list.AddRange(input.SubjectAltNames.Select(s => s.Value));
        return true;
    }
}
