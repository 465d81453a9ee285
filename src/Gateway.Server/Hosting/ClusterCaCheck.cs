using System.Security.Cryptography;
using Gateway.Ca;
using Gateway.Cluster;
using Npgsql;

namespace Gateway.Server.Hosting;

/// <summary>
/// In cluster mode, every node must sign with the same CA: the first node registers its root and issuing CA fingerprints in
/// PostgreSQL, and a node that loaded a different CA (its own generated one, say) refuses to start, telling how to share it.
/// </summary>
internal static class ClusterCaCheck
{
    public static async Task RunAsync(
        SharedMaterialRegistry registry, ICertificateAuthority ca, ClusterPlan plan, TimeProvider time, ILogger log, CancellationToken cancellationToken = default)
    {
        var materials = new List<SharedMaterial>
        {
            Describe("ca.root", "root CA", ca.RootCertificateDer, null),
        };
        foreach (var issuer in ca.Issuers.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            materials.Add(Describe("ca.issuer." + issuer.Id, $"issuing CA '{issuer.Id}'", issuer.Certificate.RawData, issuer.NotAfter));
        }

        foreach (var material in materials)
        {
            SharedMaterialCheck check;
            try
            {
                check = await registry.RegisterOrCompareAsync(plan.ClusterId, material, plan.NodeName, time.GetUtcNow(), cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new GatewayStartupException($"Cannot check the cluster's CA in PostgreSQL (ConnectionStrings:Gateway): {ex.Message}", ex);
            }

            switch (check.Outcome)
            {
                case SharedMaterialOutcome.Registered:
                    log.LogInformation("Registered this node's {What} as cluster '{ClusterId}''s", material.Description, plan.ClusterId);
                    break;
                case SharedMaterialOutcome.Replaced:
                    log.LogWarning(
                        "Cluster '{ClusterId}': the registered {Old} (expired) is replaced by this node's {New}",
                        plan.ClusterId, check.Registered!.Description, material.Description);
                    break;
                case SharedMaterialOutcome.Conflict:
                    throw new GatewayStartupException(
                        $"This node's {material.Description} is not the one of cluster '{plan.ClusterId}' ({check.Registered!.Description}, registered by " +
                        $"{check.RegisteredBy} at {check.RegisteredAt:u}). Every node of a cluster must sign with one CA: point Gateway:Ca:Directory at " +
                        "the CA directory of the first node (one machine or a shared volume), or import the same CA on every node with " +
                        "Gateway:Ca:Import:* (with Gateway:Ca:Passphrase or Gateway:Ca:Import:KeyPassword from a secret).");
            }
        }
    }

    private static SharedMaterial Describe(string name, string what, byte[] der, DateTimeOffset? validUntil)
    {
        using var certificate = System.Security.Cryptography.X509Certificates.X509CertificateLoader.LoadCertificate(der);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(der));
        return new SharedMaterial(name, fingerprint, $"{what} {certificate.Subject} (SHA-256 {fingerprint})", validUntil);
    }
}
