using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Ca;
using Gateway.Contracts;
using Gateway.Store;
using Gateway.Store.Events;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Gateway.Grains;

/// <summary>
/// Puts the CA's own certificates in the store: the root (signed by its own key) and every issuing CA generation it
/// signed, as <c>CertificateIssued</c> events under profiles <c>gateway:root-ca</c> and <c>gateway:issuing-ca</c>
/// (protocol <c>gateway</c>, issuer id <c>root</c>). Runs at start and after every change of generations (a rollover
/// here or seen from another node); each certificate's stream is created once, so every node may run it. Only for CA
/// material the gateway manages (it holds the root key): certificates an external CA signed are not ours to record.
/// CA certificates are not revocable through the inventory (<see cref="RevocationStatus.NotRevocable"/>).
/// </summary>
internal sealed class CaCertificateInventory(ICertificateAuthority ca, IEventWriter writer, InventoryQueries inventory, TimeProvider time,
    ILogger<CaCertificateInventory> logger)
    : BackgroundService
{
    public const string RootProfile = "gateway:root-ca";
    public const string IssuingProfile = "gateway:issuing-ca";
    public const string RootIssuerId = "root";

    private readonly SemaphoreSlim _changed = new(0);

    /// <summary>Whether <paramref name="profile"/> is one of the CA's own certificates.</summary>
    public static bool IsCaProfile(string profile) => profile is RootProfile or IssuingProfile;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        ca.IssuersChanged += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await RecordAsync(stoppingToken);
                    await _changed.WaitAsync(stoppingToken);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception ex)
                {
                    logger.LogWarning(ex, "The CA certificates could not be recorded in the store yet; retrying in 10 s");
                    await Task.Delay(TimeSpan.FromSeconds(10), stoppingToken);
                }
            }
        }
        finally
        {
            ca.IssuersChanged -= OnChanged;
        }
    }

    private void OnChanged() => _changed.Release();

    /// <summary>Records every CA certificate not in the store yet; returns how many it recorded.</summary>
    internal async Task<int> RecordAsync(CancellationToken cancellationToken = default)
    {
        if (!ca.CanRollOver) return 0; // not our root key: nothing here was signed by the gateway
        var recorded = 0;
        var certificates = new List<(byte[] Der, string Profile)> { (ca.RootCertificateDer, RootProfile) };
        certificates.AddRange(ca.Issuers.Select(i => (i.ChainDer[0], IssuingProfile)));
        foreach (var (der, profile) in certificates)
        {
            using var certificate = X509CertificateLoader.LoadCertificate(der);
            var serial = Pkix.SerialNumbers.Canonical(certificate.SerialNumberBytes.Span);
            // Most starts find them recorded: look first, so the store does not log a refused stream creation every time.
            if (await inventory.GetCertificateAsync(serial, cancellationToken) is not null) continue;
            var issued = new CertificateIssued(serial, $"gateway:ca:{serial}", profile, EnrollmentGrain.ProtocolName(EnrollmentProtocol.Gateway), "gateway:ca",
                certificate.Subject, [], RootIssuerId, certificate.Issuer, certificate.NotBefore.ToUniversalTime(), certificate.NotAfter.ToUniversalTime(),
                Convert.ToHexStringLower(SHA256.HashData(der)), der, null, time.GetUtcNow());
            try
            {
                await writer.AppendAsync([new StreamAppend(serial, true, [issued])], cancellationToken);
            }
            catch (StreamCollisionException)
            {
                continue; // recorded before (by this node or another)
            }
            recorded++;
            logger.LogInformation("Recorded the CA certificate {Serial} ({Subject}) as {Profile}.", serial, certificate.Subject, profile);
        }
        return recorded;
    }

    public override void Dispose()
    {
        _changed.Dispose();
        base.Dispose();
    }
}
