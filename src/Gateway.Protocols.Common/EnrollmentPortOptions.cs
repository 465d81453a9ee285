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
    /// Failed credential checks (unknown id or wrong secret) one client address may make per <see cref="CredentialFailureWindow"/>
    /// before its credential checks are refused unchecked (EST: 429 with Retry-After) until the window ends.
    /// </summary>
    public int CredentialFailureLimit { get; set; } = 10;

    public TimeSpan CredentialFailureWindow { get; set; } = TimeSpan.FromMinutes(1);
}
