namespace Gateway.Policy;

/// <summary>
/// Facts only the store knows, fed to <see cref="CompiledProfile.Evaluate"/> by the caller (the enrollment grain).
/// Every fact is optional: a rule whose fact is <c>null</c> is not evaluated (and not recorded).
/// </summary>
public sealed record PolicyFacts
{
    /// <summary>The request's public key is already certified for a different subject.</summary>
    public bool? KeyInUseByOtherSubject { get; init; }

    /// <summary>Certificates issued to this requester (same authentication method and principal) within <see cref="CompiledProfile.PerRequesterQuota"/>'s window, not counting this request.</summary>
    public int? IssuedToRequesterInWindow { get; init; }

    /// <summary>Certificates issued under this profile within <see cref="CompiledProfile.PerProfileQuota"/>'s window, not counting this request.</summary>
    public int? IssuedForProfileInWindow { get; init; }

    /// <summary>
    /// The requested DNS name or IP address with the most certificates issued within <see cref="CompiledProfile.PerNameQuota"/>'s
    /// window (not counting this request), and that count.
    /// </summary>
    public (string Name, int Count)? IssuedForNameInWindow { get; init; }

    /// <summary>For a renewal (<see cref="Gateway.Contracts.PolicyInput.RenewalOf"/> set): when the certificate being renewed expires.</summary>
    public DateTimeOffset? RenewalOfNotAfter { get; init; }

    /// <summary>For a renewal: the request carries the same public key as the certificate being renewed.</summary>
    public bool? RenewalReusesKey { get; init; }

    /// <summary>For a renewal: the subject (DER Name) of the certificate being renewed.</summary>
    public byte[]? RenewalOfSubject { get; init; }

    /// <summary>For a renewal: the subjectAltNames of the certificate being renewed (with <see cref="RenewalOfSubject"/>).</summary>
    public IReadOnlyList<Gateway.Contracts.SubjectAltName>? RenewalOfSubjectAltNames { get; init; }

    /// <summary>For a renewal: the requester authenticated with the certificate being renewed (EST simplereenroll, CMP kur, SCEP renewal).</summary>
    public bool? AuthenticatedWithRenewedCertificate { get; init; }
}
