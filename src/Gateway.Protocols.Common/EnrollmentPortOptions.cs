namespace Gateway.Protocols.Common;

/// <summary>Section <c>Gateway:EnrollmentPort</c>: the front-ends' profile cache and the limit on failed credential checks.</summary>
public sealed class EnrollmentPortOptions
{
    public const string Section = "Gateway:EnrollmentPort";

    /// <summary>How long a resolved profile is used without asking again: a policy change reaches the front-ends within this time.</summary>
    public TimeSpan ProfileCacheTtl { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Most profiles (per protocol and name) held at once; only names that resolve are cached.</summary>
    public int ProfileCacheCapacity { get; set; } = 1024;

    /// <summary>
    /// Failed authentications one client address may make per <see cref="CredentialFailureWindow"/> (credential checks with an
    /// unknown id or a wrong secret; SCEP messages that do not verify or decrypt, or whose challenge a webhook refused)
    /// before its credential checks and SCEP messages are refused unchecked (EST and SCEP: 429 with Retry-After) until the window ends.
    /// </summary>
    public int CredentialFailureLimit { get; set; } = 10;

    public TimeSpan CredentialFailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}
