using Gateway.Contracts.Revocation;

namespace Gateway.Ca;

/// <summary>The CA's issuers as an <see cref="IIssuerDirectory"/>: read on every call, so a rollover shows at once.</summary>
internal sealed class IssuerDirectory(ICertificateAuthority ca) : IIssuerDirectory
{
    public bool Contains(string issuerId)
    {
        foreach (var issuer in ca.Issuers)
        {
            if (string.Equals(issuer.Id, issuerId, StringComparison.Ordinal)) return true;
        }

        return false;
    }
}
