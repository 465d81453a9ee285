namespace Gateway.Contracts.Revocation;

/// <summary>
/// The ids of the issuing CAs this gateway serves, for front-ends that must turn away unknown issuers before they touch
/// a grain (an unauthenticated <c>/crl/&lt;anything&gt;</c> must not activate anything).
/// </summary>
public interface IIssuerDirectory
{
    /// <summary>Whether <paramref name="issuerId"/> names one of this gateway's issuing CAs (ordinal comparison).</summary>
    bool Contains(string issuerId);
}
