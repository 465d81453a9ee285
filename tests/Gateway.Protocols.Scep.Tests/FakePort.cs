using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Contracts.Grains;
using Gateway.Contracts.Revocation;
using Gateway.Protocols.Common;

namespace Gateway.Protocols.Scep.Tests;

/// <summary>An enrollment port that records what SCEP asks and answers from a small in-memory state.</summary>
internal sealed class FakePort : IEnrollmentPort
{
    public FakePort()
    {
        CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ca = new CertificateRequest("CN=Test Issuing CA", CaKey, HashAlgorithmName.SHA256)
            .CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
        CaCertificate = X509CertificateLoader.LoadCertificate(ca.RawData);
        Profile = new EnrollmentProfile(new ProfileSummary("mdm-device", 1, [EnrollmentProtocol.Scep], [AuthenticationMethods.ChallengePassword],
            "default", [ca.RawData], [], [], [], false));
    }

    public X509Certificate2 CaCertificate { get; }

    public ECDsa CaKey { get; }

    /// <summary>A certificate for <paramref name="key"/> issued by the test CA, registered as gateway-issued.</summary>
    public X509Certificate2 IssueGatewayCertificate(RSA key, string subject)
    {
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var generator = X509SignatureGenerator.CreateForECDsa(CaKey);
        var certificate = request.Create(CaCertificate.SubjectName, generator, DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), serial);
        GatewayCertificates[certificate.SerialNumber.ToLowerInvariant()] = subject;
        return X509CertificateLoader.LoadCertificate(certificate.RawData);
    }

    public EnrollmentProfile Profile { get; }

    public Dictionary<string, string> Secrets { get; } = new(StringComparer.Ordinal);

    /// <summary>Serial → requester for certificates that count as gateway-issued in the profile.</summary>
    public Dictionary<string, string> GatewayCertificates { get; } = new(StringComparer.OrdinalIgnoreCase);

    public List<EnrollmentRequest> Enrollments { get; } = [];

    public Func<EnrollmentRequest, EnrollmentOutcome>? Decide { get; set; }

    /// <summary>Signs the request's CSR with the test CA (the default decision).</summary>
    public IssuedOutcome Issue(EnrollmentRequest request)
    {
        var csr = CertificateRequest.LoadSigningRequest(request.Csr!, HashAlgorithmName.SHA256, CertificateRequestLoadOptions.SkipSignatureValidation);
        var serial = RandomNumberGenerator.GetBytes(12);
        serial[0] &= 0x7f;
        var certificate = csr.Create(CaCertificate.SubjectName, X509SignatureGenerator.CreateForECDsa(CaKey),
            DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddDays(30), serial);
        return new IssuedOutcome(request.EnrollmentKey, certificate.SerialNumber.ToLowerInvariant(), certificate.RawData, [CaCertificate.RawData], DateTimeOffset.UtcNow);
    }

    public Dictionary<string, EnrollmentOutcome> Outcomes { get; } = new(StringComparer.Ordinal);

    public ValueTask<EnrollmentProfile?> ResolveProfileAsync(EnrollmentProtocol protocol, string name) =>
        ValueTask.FromResult(name == Profile.Name ? Profile : null);

    public Task<EnrollmentOutcome> EnrollAsync(EnrollmentRequest request, ReplayWindow? replay = null)
    {
        Enrollments.Add(request);
        var outcome = Decide?.Invoke(request) ?? Issue(request);
        Outcomes[request.TransactionId] = outcome;
        return Task.FromResult(outcome);
    }

    public Task<EnrollmentOutcome?> GetOutcomeAsync(EnrollmentProtocol protocol, string transactionId) =>
        Task.FromResult(Outcomes.GetValueOrDefault(transactionId));

    public Task<bool> ConsumeAcmeNonceAsync(string nonce, DateTimeOffset expires) => throw new NotSupportedException();

    public Task<CredentialMacKey> GetCredentialMacKeyAsync(EnrollmentProfile profile, string credentialId, IPAddress? client = null) =>
        throw new NotSupportedException();

    public Task<EnrollmentOutcome> ConfirmAsync(EnrollmentProtocol protocol, string transactionId, string serial) => throw new NotSupportedException();

    public Task<EnrollmentOutcome> RefuseAsync(EnrollmentProtocol protocol, string transactionId, string serial, string reason) => throw new NotSupportedException();

    public Task<ClientCertificateCheck> VerifyClientCertificateAsync(EnrollmentProfile profile, X509Certificate2 certificate, ClientCertificateUse use,
        X509Certificate2Collection manufacturerAnchors, X509Certificate2Collection clientIntermediates)
    {
        var serial = certificate.SerialNumber.ToLowerInvariant();
        return Task.FromResult(GatewayCertificates.TryGetValue(serial, out var principal)
            ? new ClientCertificateCheck(ClientCertificateStatus.GatewayIssued, new Requester(AuthenticationMethods.GatewayCertificate, principal), serial, profile.Name, "ok")
            : new ClientCertificateCheck(ClientCertificateStatus.NotGatewayIssued, null, null, null, "not issued by this gateway"));
    }

    public Task<CredentialCheck> VerifyCredentialAsync(EnrollmentProfile profile, string credentialId, string secret, IPAddress? client = null) =>
        Task.FromResult(Secrets.TryGetValue(credentialId, out var stored)
            ? stored == secret ? new CredentialCheck(CredentialCheckStatus.Valid, "", 0, 1) : new CredentialCheck(CredentialCheckStatus.WrongSecret, "wrong", 0, 1)
            : new CredentialCheck(CredentialCheckStatus.NotFound, "unknown", 0, null));

    public Dictionary<string, Contracts.Inventory.CertificateInfo> Inventory { get; } = new(StringComparer.Ordinal);

    public Task<Contracts.Inventory.CertificateInfo?> GetCertificateAsync(string serial) => Task.FromResult(Inventory.GetValueOrDefault(serial));

    public Task<RevocationResult> RevokeAsync(string serial, RevocationReason reason, string actor, DateTimeOffset? invalidityDate = null) => throw new NotSupportedException();

    public Task<CrlInfo?> GetCurrentCrlAsync(EnrollmentProfile profile, string? certificateSerial = null) => Task.FromResult<CrlInfo?>(null);

    public Task<IReadOnlyList<CrlInfo>> GetCurrentCrlsAsync(EnrollmentProfile profile) => Task.FromResult<IReadOnlyList<CrlInfo>>([]);
}
