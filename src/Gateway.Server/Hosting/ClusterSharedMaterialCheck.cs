using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Ca;
using Gateway.Cluster;
using Npgsql;

namespace Gateway.Server.Hosting;

/// <summary>
/// In cluster mode every node must sign with the same CA and decrypt credential secrets with the same key. The first node
/// registers fingerprints of both in PostgreSQL (<see cref="SharedMaterialRegistry"/>); a node whose CA or key differs (its
/// own generated one, say) refuses to start, saying which option shares it. Only fingerprints are stored, never keys.
/// </summary>
internal static class ClusterSharedMaterialCheck
{
    private const string CaAdvice =
        "Every node of a cluster must sign with one CA: point Gateway:Ca:Directory at the CA directory of the first node (one machine or a " +
        "shared volume), or import the same CA on every node with Gateway:Ca:Import:* (with Gateway:Ca:Passphrase or " +
        "Gateway:Ca:Import:KeyPassword from a secret).";

    private const string CredentialKeyAdvice =
        "Every node of a cluster must decrypt the same stored credential secrets: give every node the same Gateway:Credentials:EncryptionKey " +
        "(in dev, the content of the first node's <Gateway:DataDir>/credential-key).";

    public static async Task RunAsync(
        SharedMaterialRegistry registry, ICertificateAuthority ca, string credentialKeyId, ClusterPlan plan, bool replace, TimeProvider time, ILogger log,
        CancellationToken cancellationToken = default)
    {
        var materials = new List<(SharedMaterial Material, string Advice)>
        {
            (Certificate("ca.root", "root CA", ca.RootCertificateDer, null), CaAdvice),
        };
        foreach (var issuer in ca.Issuers.OrderBy(i => i.Id, StringComparer.Ordinal))
        {
            materials.Add((Certificate("ca.issuer." + issuer.Id, $"issuing CA '{issuer.Id}'", issuer.Certificate.RawData, issuer.NotAfter), CaAdvice));
        }

        materials.Add((new SharedMaterial("credentials.key", credentialKeyId, $"credential encryption key (key id {credentialKeyId})", null), CredentialKeyAdvice));

        foreach (var (material, advice) in materials)
        {
            SharedMaterialCheck check;
            try
            {
                check = await registry.RegisterOrCompareAsync(plan.ClusterId, material, plan.NodeName, time.GetUtcNow(), replace, cancellationToken);
            }
            catch (Exception ex) when (ex is NpgsqlException or TimeoutException)
            {
                throw new GatewayStartupException($"Cannot check the cluster's shared CA and keys in PostgreSQL (ConnectionStrings:Gateway): {ex.Message}", ex);
            }

            switch (check.Outcome)
            {
                case SharedMaterialOutcome.Registered:
                    log.LogInformation("Registered this node's {What} as cluster '{ClusterId}''s", material.Description, plan.ClusterId);
                    break;
                case SharedMaterialOutcome.Replaced:
                    log.LogWarning(
                        "Cluster '{ClusterId}': the registered {Old} is replaced by this node's {New} ({Why})",
                        plan.ClusterId, check.Registered!.Description, material.Description,
                        replace ? "Gateway:Cluster:ReplaceSharedMaterial=true" : "the registered one has expired");
                    break;
                case SharedMaterialOutcome.Conflict:
                    throw new GatewayStartupException(
                        $"This node's {material.Description} is not the one of cluster '{plan.ClusterId}' ({check.Registered!.Description}, registered by " +
                        $"{check.RegisteredBy} at {check.RegisteredAt:u}). {advice} To move the whole cluster to new material on purpose, stop every " +
                        "node and start the first one with Gateway:Cluster:ReplaceSharedMaterial=true.");
            }
        }
    }

    private static SharedMaterial Certificate(string name, string what, byte[] der, DateTimeOffset? validUntil)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(der);
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(der));
        return new SharedMaterial(name, fingerprint, $"{what} {certificate.Subject} (SHA-256 {fingerprint})", validUntil);
    }
}
