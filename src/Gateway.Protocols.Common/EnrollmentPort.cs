using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Revocation;
using Microsoft.Extensions.Options;

namespace Gateway.Protocols.Common;

/// <summary><see cref="IEnrollmentPort"/> over the grain interfaces, in-process (the silo's own grain factory).</summary>
internal sealed class EnrollmentPort : IEnrollmentPort
{
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _time;
    private readonly ProfileCache _profiles;
    private readonly ClientCertificateVerifier _clientCertificates;
    private readonly ClientCertificateMetrics _clientCertificateMetrics;
    private readonly CredentialFailureLimiter _credentialFailures;

    public EnrollmentPort(IGrainFactory grains, TimeProvider time, IOptions<EnrollmentPortOptions> options, ClientCertificateMetrics clientCertificateMetrics,
        CredentialFailureLimiter credentialFailures)
    {
        _clientCertificateMetrics = clientCertificateMetrics;
        _credentialFailures = credentialFailures;
        _grains = grains;
        _time = time;
        _profiles = new ProfileCache(name => grains.Reference<IProfileDirectoryGrain>(0).GetProfileAsync(name), time,
            options.Value.ProfileCacheTtl, options.Value.ProfileCacheCapacity);
        _clientCertificates = new ClientCertificateVerifier(serial => grains.Reference<IInventoryGrain>(0).GetCertificateAsync(serial), time);
    }

    public Task<Contracts.Inventory.CertificateInfo?> GetCertificateAsync(string serial) => _grains.Reference<IInventoryGrain>(0).GetCertificateAsync(serial);

    public ValueTask<EnrollmentProfile?> ResolveProfileAsync(EnrollmentProtocol protocol, string name) => _profiles.ResolveAsync(protocol, name);

    public async Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request, ReplayWindow? replay = null)
    {
        for (var link = 0; ; link++)
        {
            var outcome = await _grains.Reference<IEnrollmentGrain>(request.EnrollmentKey).EnrollAsync(request);
            if (replay is null) return outcome;
            var next = ReplayChain.Next(request.TransactionId, outcome, _time.GetUtcNow(), replay.Window);
            if (next is null) return outcome;
            request = request with { TransactionId = link < ReplayChain.MaxLinks ? next : TimeOrderedIds.NewHex(_time.GetUtcNow()) };
        }
    }

    public Task<EnrollmentOutcome?> GetOutcomeAsync(EnrollmentProtocol protocol, string transactionId) =>
        _grains.Reference<IEnrollmentGrain>(EnrollmentKeys.For(protocol, transactionId)).GetOutcomeAsync();

    public Task<EnrollmentOutcome> ConfirmAsync(EnrollmentProtocol protocol, string transactionId, string serial) =>
        _grains.Reference<IEnrollmentGrain>(EnrollmentKeys.For(protocol, transactionId)).ConfirmAsync(serial);

    public Task<EnrollmentOutcome> RefuseAsync(EnrollmentProtocol protocol, string transactionId, string serial, string reason) =>
        _grains.Reference<IEnrollmentGrain>(EnrollmentKeys.For(protocol, transactionId)).RefuseAsync(serial, reason);

    public async Task<ClientCertificateCheck> VerifyClientCertificateAsync(EnrollmentProfile profile, X509Certificate2 certificate, ClientCertificateUse use,
        X509Certificate2Collection manufacturerAnchors, X509Certificate2Collection clientIntermediates)
    {
        var check = await _clientCertificates.VerifyAsync(profile, certificate, use, manufacturerAnchors, clientIntermediates);
        if (!check.Authenticated) _clientCertificateMetrics.RecordRefusal(check.RefusalReason ?? ClientCertificateMetrics.Untrusted);
        return check;
    }

    public async Task<CredentialCheck> VerifyCredentialAsync(EnrollmentProfile profile, string credentialId, string secret, System.Net.IPAddress? client = null)
    {
        if (_credentialFailures.IsBlocked(client, out var retryAfter))
        {
            return new CredentialCheck(CredentialCheckStatus.Throttled, "too many failed authentications from this address", 0, null, retryAfter);
        }
        // Anything that is not a credential id cannot be one: answer without activating a grain for it.
        var check = CredentialSecrets.IsWellFormedId(credentialId)
            ? await _grains.Reference<ICredentialGrain>(credentialId).VerifySecretAsync(secret, profile.Name)
            : new CredentialCheck(CredentialCheckStatus.NotFound, "unknown credential", 0, null);
        if (check.Status is CredentialCheckStatus.NotFound or CredentialCheckStatus.WrongSecret) _credentialFailures.RecordFailure(client);
        return check;
    }

    public async Task<CredentialMacKey> GetCredentialMacKeyAsync(EnrollmentProfile profile, string credentialId, System.Net.IPAddress? client = null)
    {
        if (_credentialFailures.IsBlocked(client, out var retryAfter))
        {
            return new CredentialMacKey(new CredentialCheck(CredentialCheckStatus.Throttled, "too many failed authentications from this address", 0, null, retryAfter), null);
        }
        var key = CredentialSecrets.IsWellFormedId(credentialId)
            ? await _grains.Reference<ICredentialGrain>(credentialId).GetMacKeyCheckedAsync(profile.Name)
            : new CredentialMacKey(new CredentialCheck(CredentialCheckStatus.NotFound, "unknown credential", 0, null), null);
        if (key.Check.Status == CredentialCheckStatus.NotFound) _credentialFailures.RecordFailure(client);
        return key;
    }

    /// <summary>Nonce shards: enough to spread the load over a cluster's nodes, few enough to stay warm.</summary>
    internal const int AcmeNonceShards = 16;

    public Task<bool> ConsumeAcmeNonceAsync(string nonce, DateTimeOffset expires) =>
        _grains.GetGrain<IAcmeNonceGrain>((long)((uint)StableHash(nonce) % AcmeNonceShards)).ConsumeAsync(nonce, expires);

    private static int StableHash(string text)
    {
        var hash = 17;
        foreach (var c in text) hash = unchecked(hash * 31 + c);
        return hash;
    }

    public Task<RevocationResult> RevokeAsync(string serial, RevocationReason reason, string actor, DateTimeOffset? invalidityDate = null) =>
        _grains.GetGrain<ICertificateGrain>(serial).RevokeAsync(reason, actor, invalidityDate);

    public async Task<CrlInfo?> GetCurrentCrlAsync(EnrollmentProfile profile, string? certificateSerial = null)
    {
        var issuer = profile.IssuerId;
        if (certificateSerial is not null && await GetCertificateAsync(certificateSerial) is { IssuerId: { } signedBy }
            && (signedBy == profile.IssuerId || profile.EarlierIssuerIds.Contains(signedBy, StringComparer.Ordinal)))
        {
            issuer = signedBy;
        }
        return await _grains.GetGrain<ICrlGrain>(issuer).GetCurrentAsync();
    }

    public async Task<IReadOnlyList<CrlInfo>> GetCurrentCrlsAsync(EnrollmentProfile profile)
    {
        var crls = new List<CrlInfo>();
        foreach (var issuer in (string[])[profile.IssuerId, .. profile.EarlierIssuerIds])
        {
            if (await _grains.GetGrain<ICrlGrain>(issuer).GetCurrentAsync() is { } crl) crls.Add(crl);
        }
        return crls;
    }
}
