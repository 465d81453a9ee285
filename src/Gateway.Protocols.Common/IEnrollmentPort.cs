using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Revocation;

namespace Gateway.Protocols.Common;

/// <summary>
/// The one narrow interface every protocol front-end (EST, SCEP, CMP, ACME) uses to reach the enrollment core,
/// in-process. Front-ends parse and authenticate their protocol's messages and encode the answers; everything that
/// needs a grain goes through here (this project is the only protocol-side code that uses <c>IGrainFactory</c>).
/// </summary>
public interface IEnrollmentPort
{
    /// <summary>
    /// The profile called <paramref name="name"/> when it allows <paramref name="protocol"/> and its CA is available;
    /// null otherwise. Cached for a few seconds (a policy change is seen within <see cref="EnrollmentPortOptions.ProfileCacheTtl"/>),
    /// bounded, and only names that resolve are cached. The same instance is returned while the profile's version is unchanged.
    /// </summary>
    ValueTask<EnrollmentProfile?> ResolveProfileAsync(EnrollmentProtocol protocol, string name);

    /// <summary>
    /// Hands the request to its enrollment (keyed by protocol and transaction id) and returns the outcome. With
    /// <paramref name="replay"/>, an issued outcome older than the window does not answer the request: the request
    /// continues on the next enrollment of a chain derived from the transaction id (see <see cref="ReplayChain"/>).
    /// </summary>
    Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request, ReplayWindow? replay = null);

    /// <summary>The outcome so far of a transaction (e.g. a pending one being polled); null when the id was never seen.</summary>
    Task<EnrollmentOutcome?> GetOutcomeAsync(EnrollmentProtocol protocol, string transactionId);

    /// <summary>
    /// The client confirms the certificate of a transaction issued with <see cref="EnrollmentRequest.RequiresConfirmation"/>
    /// (CMP certConf): the outcome becomes <see cref="IssuedOutcome"/>; another serial is refused with
    /// <see cref="RejectionReason.UnknownCertificateId"/>. Idempotent.
    /// </summary>
    Task<EnrollmentOutcome> ConfirmAsync(EnrollmentProtocol protocol, string transactionId, string serial);

    /// <summary>The client refuses the certificate it was handed (CMP certConf with a rejection): it is revoked and the enrollment ends refused.</summary>
    Task<EnrollmentOutcome> RefuseAsync(EnrollmentProtocol protocol, string transactionId, string serial, string reason);

    /// <summary>
    /// Whether a TLS (or message-signing) client certificate authenticates for <paramref name="profile"/>: one issued by
    /// this gateway (valid, not revoked, DER-equal to the stored one, clientAuth, from the profile itself or one it
    /// accepts; for <see cref="ClientCertificateUse.Renewal"/> from the profile itself only), or one chaining to
    /// <paramref name="manufacturerAnchors"/> through the intermediates the client sent (never fetched).
    /// </summary>
    Task<ClientCertificateCheck> VerifyClientCertificateAsync(EnrollmentProfile profile, X509Certificate2 certificate, ClientCertificateUse use,
        X509Certificate2Collection manufacturerAnchors, X509Certificate2Collection clientIntermediates);

    /// <summary>Checks an enrollment credential's secret for <paramref name="profile"/>; counts nothing (the enrollment counts the use).Failed checks (unknown id, wrong secret) are counted per <paramref name="client"/> address;
    /// past <see cref="EnrollmentPortOptions.CredentialFailureLimit"/> in a window the answer is <see cref="CredentialCheckStatus.Throttled"/>, unchecked.
    /// </summary>
    Task<CredentialCheck> VerifyCredentialAsync(EnrollmentProfile profile, string credentialId, string secret, System.Net.IPAddress? client = null);

    /// <summary>
    /// The MAC key of enrollment credential <paramref name="credentialId"/> for <paramref name="profile"/> (CMP
    /// password-based MAC; see <see cref="CredentialMacKey"/>), for a front-end that verifies the MAC itself and then
    /// counts a MAC that did not verify with <see cref="CredentialFailureLimiter"/>. An address past
    /// <see cref="EnrollmentPortOptions.CredentialFailureLimit"/> gets <see cref="CredentialCheckStatus.Throttled"/>, unchecked;
    /// an unknown id counts as a failure.
    /// </summary>
    Task<CredentialMacKey> GetCredentialMacKeyAsync(EnrollmentProfile profile, string credentialId, System.Net.IPAddress? client = null);

    /// <summary>
    /// Spends ACME nonce <paramref name="nonce"/> (already checked as one this cluster issued and not expired): true the
    /// first time any node asks, false after. No database write; the shard holding it keeps it until <paramref name="expires"/>.
    /// </summary>
    Task<bool> ConsumeAcmeNonceAsync(string nonce, DateTimeOffset expires);

    /// <summary>A certificate of this gateway by serial (lowercase hex), or null when there is none (SCEP GetCert, CMP, ACME).</summary>
    Task<Contracts.Inventory.CertificateInfo?> GetCertificateAsync(string serial);

    /// <summary>Revokes a certificate of this gateway (idempotent).</summary>
    Task<RevocationResult> RevokeAsync(string serial, RevocationReason reason, string actor, DateTimeOffset? invalidityDate = null);

    /// <summary>
    /// The current CRL that covers certificate <paramref name="certificateSerial"/> (the CRL of the issuer generation that
    /// signed it; after a rollover generations share one name, so the name cannot tell), or without a serial, or for one
    /// this gateway does not hold, the current CRL of the profile's current generation; null when none is available.
    /// </summary>
    Task<CrlInfo?> GetCurrentCrlAsync(EnrollmentProfile profile, string? certificateSerial = null);

    /// <summary>The current CRL of every issuer generation the profile serves (current first); those not available are left out.</summary>
    Task<IReadOnlyList<CrlInfo>> GetCurrentCrlsAsync(EnrollmentProfile profile);
}
