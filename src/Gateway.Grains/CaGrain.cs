using System.Security.Cryptography;
using Gateway.Ca;
using Gateway.Contracts.Grains;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>The issuing CA's generations for the admin API; a rollover on demand runs on the node hosting this grain.</summary>
internal sealed class CaGrain(ICertificateAuthority ca, ILogger<CaGrain> logger) : Grain, ICaGrain
{
    public Task<CaStatus> GetStatusAsync()
    {
        ca.Refresh();
        return Task.FromResult(Status());
    }

    public Task<CaRolloverResult> RollOverAsync(string actor)
    {
        ca.Refresh();
        if (!ca.CanRollOver)
        {
            return Task.FromResult(new CaRolloverResult(Status(),
                "The issuing CA cannot be rolled over here: the root key is not in the CA directory (an offline root) or the CA is imported."));
        }
        try
        {
            var previous = ca.DefaultIssuerId;
            var next = ca.RollOver(CertificateAuthority.DefaultIssuer);
            logger.LogWarning("Issuing CA rolled over on demand by {Actor}: '{Previous}' → '{Next}' (valid until {NotAfter:u}).", actor, previous, next.Id, next.NotAfter);
            return Task.FromResult(new CaRolloverResult(Status(), null));
        }
        catch (CaConfigurationException ex)
        {
            return Task.FromResult(new CaRolloverResult(Status(), ex.Message));
        }
    }

    private CaStatus Status()
    {
        var current = ca.DefaultIssuerId;
        return new CaStatus(
            [.. ca.Issuers.OrderBy(i => i.Generation).Select(i => new CaGeneration(i.Id, i.LogicalId, i.Generation, i.SubjectName, i.NotBefore, i.NotAfter,
                Convert.ToHexStringLower(SHA256.HashData(i.Certificate.RawData)), i.Id == current))],
            current, ca.CanRollOver);
    }
}
