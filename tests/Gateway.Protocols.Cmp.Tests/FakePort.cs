using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Inventory;
using Gateway.Contracts.Revocation;
using Gateway.Protocols.Common;

namespace Gateway.Protocols.Cmp.Tests;

/// <summary>An enrollment port that records what CMP asks and answers from a small in-memory state.</summary>
internal sealed class FakePort : IEnrollmentPort
{
    public FakePort(IReadOnlyList<byte[]> chain)
    {
        Chain = chain;
        Profile = new EnrollmentProfile(new ProfileSummary("network-element", 1, [EnrollmentProtocol.Cmp],
            [AuthenticationMethods.SharedSecretMac, AuthenticationMethods.Signature], "default", chain,
            [new KeyDescription(KeyDescription.Ec, 256, "P-256"), new KeyDescription(KeyDescription.Rsa, 2048, null)], ["2.5.4.3"], [], false));
        CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    }

    public IReadOnlyList<byte[]> Chain { get; }

    public EnrollmentProfile Profile { get; }

    /// <summary>The key the fake signs certificates with (under the chain's issuing CA name; nobody verifies them here).</summary>
    public ECDsa CaKey { get; }

    public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, string> GatewayCertificates { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<EnrollmentRequest> Enrollments { get; } = [];

    public Dictionary<string, EnrollmentOutcome> Outcomes { get; } = new(StringComparer.Ordinal);

    public List<string> Confirmed { get; } = [];

    public List<string> Refused { get; } = [];

    public List<(string Serial, RevocationReason Reason)> Revoked { get; } = [];

    public Dictionary<string, CertificateInfo> Inventory { get; } = new(StringComparer.Ordinal);

    public Func<EnrollmentRequest, EnrollmentOutcome>? Decide { get; set; }

    public IssuedOutcome Issue(EnrollmentRequest request)
    {
        var issuer = X509CertificateLoader.LoadCertificate(Chain[0]);
        CertificateRequest csr;
        if (request.Csr is { } der)
        {
            csr = CertificateRequest.LoadSigningRequest(der, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation);
        }
        else
        {
            var template = request.Template!;
            csr = new CertificateRequest(new X500DistinguishedName(template.Subject ?? [0x30, 0x00]),
                PublicKey.CreateFromSubjectPublicKeyInfo(template.SubjectPublicKeyInfo, out _), HashAlgorithmName.SHA256);
        }
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var certificate = csr.Create(issuer.SubjectName, X509SignatureGenerator.CreateForECDsa(CaKey), DateTimeOffset.UtcNow.AddMinutes(-5),
            DateTimeOffset.UtcNow.AddDays(30), serial);
        return new IssuedOutcome(request.EnrollmentKey, certificate.SerialNumber.ToLowerInvariant(), certificate.RawData, Chain, DateTimeOffset.UtcNow);
    }

    public ValueTask<EnrollmentProfile?> ResolveProfileAsync(EnrollmentProtocol protocol, string name) =>
        ValueTask.FromResult(name == Profile.Name ? Profile : null);

    public Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request, ReplayWindow? replay = null)
    {
        Enrollments.Add(request);
        EnrollmentOutcome outcome = Decide?.Invoke(request) ?? Issue(request);
        if (outcome is IssuedOutcome issued && request.RequiresConfirmation)
        {
            outcome = new AwaitingConfirmationOutcome(issued.EnrollmentId, issued.Serial, issued.Certificate, issued.Chain, issued.IssuedAt, issued.IssuedAt.AddMinutes(5));
        }
        Outcomes[request.TransactionId] = outcome;
        return Task.FromResult(outcome);
    }

    public Task<EnrollmentOutcome?> GetOutcomeAsync(EnrollmentProtocol protocol, string transactionId) =>
        Task.FromResult(Outcomes.GetValueOrDefault(transactionId));

    public Task<EnrollmentOutcome> ConfirmAsync(EnrollmentProtocol protocol, string transactionId, string serial)
    {
        Confirmed.Add(serial);
        var outcome = Outcomes[transactionId];
        if (outcome is AwaitingConfirmationOutcome a) outcome = Outcomes[transactionId] = new IssuedOutcome(a.EnrollmentId, a.Serial, a.Certificate, a.Chain, a.IssuedAt);
        return Task.FromResult(outcome);
    }

    public Task<EnrollmentOutcome> RefuseAsync(EnrollmentProtocol protocol, string transactionId, string serial, string reason)
    {
        Refused.Add(serial);
        EnrollmentOutcome outcome = Outcomes[transactionId] = new RejectedOutcome(transactionId, RejectionReason.Denied, reason, []);
        return Task.FromResult(outcome);
    }

    public Task<ClientCertificateCheck> VerifyClientCertificateAsync(EnrollmentProfile profile, X509Certificate2 certificate, ClientCertificateUse use,
        X509Certificate2Collection manufacturerAnchors, X509Certificate2Collection clientIntermediates)
    {
        var serial = Canonical(certificate);
        return Task.FromResult(GatewayCertificates.TryGetValue(serial, out var principal)
            ? new ClientCertificateCheck(ClientCertificateStatus.GatewayIssued, new Requester(AuthenticationMethods.GatewayCertificate, principal), serial, profile.Name, "ok")
            : new ClientCertificateCheck(ClientCertificateStatus.NotGatewayIssued, null, null, null, "not issued by this gateway"));
    }

    /// <summary>A serial as the store writes it: lowercase hex, no leading zero bytes.</summary>
    public static string Canonical(X509Certificate2 certificate)
    {
        var bytes = certificate.SerialNumberBytes.Span;
        while (bytes.Length > 1 && bytes[0] == 0) bytes = bytes[1..];
        return Convert.ToHexStringLower(bytes);
    }

    public Task<CredentialCheck> VerifyCredentialAsync(EnrollmentProfile profile, string credentialId, string secret, IPAddress? client = null) =>
        throw new NotSupportedException();

    public Task<bool> ConsumeAcmeNonceAsync(string nonce, DateTimeOffset expires) => throw new NotSupportedException();

    public Task<CredentialMacKey> GetCredentialMacKeyAsync(EnrollmentProfile profile, string credentialId, IPAddress? client = null) =>
        Task.FromResult(Secrets.TryGetValue(credentialId, out var secret)
            ? new CredentialMacKey(new CredentialCheck(CredentialCheckStatus.Valid, "", 0, null), CredentialSecrets.MacKey(secret))
            : new CredentialMacKey(new CredentialCheck(CredentialCheckStatus.NotFound, "unknown credential", 0, null), null));

    public Task<CertificateInfo?> GetCertificateAsync(string serial) => Task.FromResult(Inventory.GetValueOrDefault(serial));

    public Task<RevocationResult> RevokeAsync(string serial, RevocationReason reason, string actor, DateTimeOffset? invalidityDate = null)
    {
        Revoked.Add((serial, reason));
        return Task.FromResult(new RevocationResult(RevocationStatus.Revoked, DateTimeOffset.UtcNow, reason));
    }

    public Task<CrlInfo?> GetCurrentCrlAsync(EnrollmentProfile profile, string? certificateSerial = null) => Task.FromResult<CrlInfo?>(null);

    public Task<IReadOnlyList<CrlInfo>> GetCurrentCrlsAsync(EnrollmentProfile profile) => Task.FromResult<IReadOnlyList<CrlInfo>>([]);
}
