using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Gateway.Contracts;
using Gateway.Contracts.Credentials;
using Gateway.Pkix.Csr;
using Gateway.Protocols.Common;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Asn1;
using Gateway.Pkix;

namespace Gateway.Protocols.Scep;

/// <summary>
/// PKIOperation: reads the pkiMessage, authenticates it, turns it into an enrollment (or a poll, or a CRL request) on the
/// port and answers with a CertRep. Authentication (RFC 8894 §2.2, §3.3.1): a request signed by a valid certificate
/// this gateway issued in the profile is a renewal, whatever its messageType, and needs no challenge; any other request
/// is signed with the CSR's own key and carries a challengePassword that is an enrollment credential's secret.
/// The enrollment's transaction id is the client's transactionID scoped to the signing key (or to the renewed
/// certificate), so nobody without the key can take over or poll another device's transaction.
/// </summary>
internal sealed class ScepService(IEnrollmentPort port, IScepRa ra, ScepChallengeWebhook webhook, CredentialFailureLimiter failures,
    IOptions<ScepOptions> options, ILogger<ScepService> logger)
{
    public async Task<ScepReply> HandleAsync(EnrollmentProfile profile, byte[] message, IPAddress? client)
    {
        // Verifying and decrypting a message costs RSA work before we know who sent it: an address whose messages or
        // challenges keep failing is refused before any of it (the same per-address count as failed credential checks).
        if (failures.IsBlocked(client, out var retryAfter))
        {
            logger.LogInformation("SCEP message from {Client} refused unread: too many failed messages or challenges from this address.", client);
            return ScepReply.Http(429, "Too many failed SCEP messages or challenges from this address; retry later.", retryAfter);
        }
        var read = ScepMessageReader.Read(message, ra, options.Value.AllowSingleDes, options.Value.AllowTripleDes);
        if (read.Transaction is null)
        {
            failures.RecordFailure(client);
            logger.LogInformation("SCEP message from {Client} refused before it could be answered: {Error}", client, read.Error);
            return ScepReply.Http(400, read.Error);
        }
        if (read.Request is null)
        {
            failures.RecordFailure(client);
            return Failure(read.Transaction, read.FailInfo, read.Error);
        }

        var request = read.Request;
        try
        {
            return request.MessageType switch
            {
                ScepMessageType.PkcsReq or ScepMessageType.RenewalReq => await EnrollAsync(profile, request, client),
                ScepMessageType.CertPoll => await PollAsync(profile, request),
                ScepMessageType.GetCrl => await GetCrlAsync(profile, request),
                ScepMessageType.GetCert => await GetCertAsync(profile, request),
                _ => Failure(request.Transaction, ScepFailInfo.BadRequest, $"messageType {(int)request.MessageType} is not supported here."),
            };
        }
        catch (ScepMessageException ex)
        {
            return Failure(request.Transaction, ex.FailInfo, ex.Message);
        }
    }

    private async Task<ScepReply> EnrollAsync(EnrollmentProfile profile, ScepRequest request, IPAddress? client)
    {
        var transaction = request.Transaction;
        if (!Pkcs10Request.TryParse(request.MessageData, out var csr, out var csrError) || csr is null)
            return Failure(transaction, ScepFailInfo.BadRequest, "The envelope does not hold a valid PKCS#10 request: " + csrError);

        if (options.Value.RequireKeyHashTransactionId && !ScepTransactionIds.IsKeyHash(transaction.TransactionId, csr.SubjectPublicKeyInfo))
            return Failure(transaction, ScepFailInfo.BadRequest, "The transactionID must be a hash of the requested public key (Gateway:Scep:RequireKeyHashTransactionId).");

        // The certificate goes back enveloped to the signer's key (RSA key transport, or ECDH key agreement): refuse another key before enrolling.
        using (var signerRsa = transaction.Signer.GetRSAPublicKey())
        using (var signerEc = transaction.Signer.GetECDsaPublicKey())
        {
            if (signerRsa is null && signerEc is null)
                return Failure(transaction, ScepFailInfo.BadAlg, "The answer is encrypted to the signer's key: sign the request with an RSA or EC key.");
            if (signerEc is not null && request.Cipher.IsSingleDes)
                return Failure(transaction, ScepFailInfo.BadAlg, "An answer to an EC key is not encrypted with single DES; use AES.");
        }

        var caller = await AuthenticateAsync(profile, request, csr, client);
        if (caller.Failure is not null) return caller.Failure;

        var enrollment = new EnrollmentRequest(EnrollmentProtocol.Scep, profile.Name, caller.Requester!, caller.TransactionKey!, csr.Der,
            RenewalOf: caller.RenewalOf);
        var outcome = await port.EnrollAsync(enrollment);
        return Answer(request, outcome);
    }

    private async Task<ScepReply> PollAsync(EnrollmentProfile profile, ScepRequest request)
    {
        // CertPoll (GetCertInitial) carries IssuerAndSubject; the transaction is found from the transactionID and the
        // signing key, exactly as the PKCSReq/RenewalReq it polls for named it.
        var transaction = request.Transaction;
        var renewed = await RenewedSerialAsync(profile, transaction.Signer);
        var outcome = await port.GetOutcomeAsync(EnrollmentProtocol.Scep, TransactionKey(transaction, renewed));
        if (outcome is null) return Failure(transaction, ScepFailInfo.BadCertId, "No enrollment with this transactionID was started with this key.");
        return Answer(request, outcome);
    }

    private async Task<ScepReply> GetCrlAsync(EnrollmentProfile profile, ScepRequest request)
    {
        // RFC 8894 §3.3.4: the issuer and serial of the certificate whose status is wanted; its generation's CRL answers
        // (after a rollover every generation has the same name: only the certificate tells which one signed it).
        var (issuer, serial) = ReadIssuerAndSerial(request.MessageData);
        var ca = X509CertificateLoader.LoadCertificate(profile.Chain[0]);
        if (!issuer.AsSpan().SequenceEqual(ca.SubjectName.RawData))
            return Failure(request.Transaction, ScepFailInfo.BadCertId, "The certificate named is not issued by this profile's CA.");
        var crl = await port.GetCurrentCrlAsync(profile, serial);
        if (crl is null) return Failure(request.Transaction, ScepFailInfo.BadRequest, "No CRL is available yet; try again later.");
        var degenerate = CertsOnlyPkcs7.Encode([], [crl.Der], keepOrder: true);
        return ScepReply.Of(ScepCertRep.Success(request.Transaction, ra, ScepEnvelope.Seal(degenerate, request.Transaction.Signer, request.Cipher)));
    }

    private async Task<ScepReply> GetCertAsync(EnrollmentProfile profile, ScepRequest request)
    {
        // GetCert (RFC 8894 §3.3.4): a certificate of this profile's CA by IssuerAndSerialNumber, for its own key holder
        // or for a device holding a valid certificate of the profile; nobody else learns what the inventory holds.
        var (issuer, serial) = ReadIssuerAndSerial(request.MessageData);
        var ca = X509CertificateLoader.LoadCertificate(profile.Chain[0]);
        var signer = request.Transaction.Signer;
        var certificate = issuer.AsSpan().SequenceEqual(ca.SubjectName.RawData) ? await port.GetCertificateAsync(serial) : null;
        var allowed = certificate is not null && certificate.Profile == profile.Name
            && (KeyOf(certificate.Der).AsSpan().SequenceEqual(signer.PublicKey.ExportSubjectPublicKeyInfo())
                || await CheckGatewayCertificateAsync(profile, signer) is { Authenticated: true });
        if (!allowed) return Failure(request.Transaction, ScepFailInfo.BadCertId, "No certificate of this profile with that issuer and serial is available to the signer.");
        var degenerate = CertsOnlyPkcs7.Encode([certificate!.Der], keepOrder: true);
        return ScepReply.Of(ScepCertRep.Success(request.Transaction, ra, ScepEnvelope.Seal(degenerate, signer, request.Cipher)));
    }

    private static byte[] KeyOf(byte[] certificateDer)
    {
        using var certificate = X509CertificateLoader.LoadCertificate(certificateDer);
        return certificate.PublicKey.ExportSubjectPublicKeyInfo();
    }

    private ScepReply Answer(ScepRequest request, EnrollmentOutcome outcome)
    {
        var transaction = request.Transaction;
        switch (outcome)
        {
            case IssuedOutcome issued:
                // The issued certificate first (clients take the first one), then the CA chain without the root.
                var certificates = new List<byte[]> { issued.Certificate };
                if (issued.Chain.Count > 1) certificates.AddRange(issued.Chain.Take(issued.Chain.Count - 1));
                var envelope = ScepEnvelope.Seal(CertsOnlyPkcs7.Encode(certificates, keepOrder: true), transaction.Signer, request.Cipher);
                logger.LogInformation("SCEP {Type} {TransactionId}: issued {Serial}.", request.MessageType, transaction.TransactionId, issued.Serial);
                return ScepReply.Of(ScepCertRep.Success(transaction, ra, envelope));
            case PendingOutcome pending:
                logger.LogInformation("SCEP {Type} {TransactionId}: pending ({Reason}).", request.MessageType, transaction.TransactionId, pending.Reason);
                return ScepReply.Of(ScepCertRep.Pending(transaction, ra));
            case RejectedOutcome rejected:
                return Failure(transaction, RejectionMap.ScepFailInfo(rejected.Reason), $"{rejected.Reason}: {rejected.Message}");
            default:
                return Failure(transaction, ScepFailInfo.BadRequest, "The enrollment ended in a state SCEP cannot express.");
        }
    }

    private sealed record Caller(Requester? Requester, string? TransactionKey, string? RenewalOf, ScepReply? Failure);

    private async Task<Caller> AuthenticateAsync(EnrollmentProfile profile, ScepRequest request, Pkcs10Request csr, IPAddress? client)
    {
        var transaction = request.Transaction;
        var signer = transaction.Signer;

        // Renewal: signed by a certificate this gateway issued in this profile (RenewalReq, or PKCSReq from macOS, Cisco, sscep).
        var renewalCheck = await CheckGatewayCertificateAsync(profile, signer);
        if (renewalCheck is { Authenticated: true })
        {
            // The message signature made with a gateway certificate is the authentication: profiles name it "signature".
            var requester = renewalCheck.Requester! with { AuthenticationMethod = AuthenticationMethods.Signature };
            return new Caller(requester, TransactionKey(transaction, renewalCheck.Serial), renewalCheck.Serial, null);
        }
        if (request.MessageType == ScepMessageType.RenewalReq)
        {
            return new Caller(null, null, null, Failure(transaction, ScepFailInfo.BadMessageCheck,
                "RenewalReq must be signed with a valid certificate this gateway issued in this profile: " + (renewalCheck?.Message ?? "the signer is not one.")));
        }

        // First enrollment: the message is signed with the key being certified (proof of possession) and carries a challenge.
        if (!signer.PublicKey.ExportSubjectPublicKeyInfo().AsSpan().SequenceEqual(csr.SubjectPublicKeyInfo))
        {
            return new Caller(null, null, null, Failure(transaction, ScepFailInfo.BadMessageCheck,
                "A PKCSReq must be signed with the key of the certificate request (or with a certificate this gateway issued)."));
        }
        var challenge = csr.ChallengePassword;
        if (string.IsNullOrEmpty(challenge))
            return new Caller(null, null, null, Failure(transaction, ScepFailInfo.BadRequest, "The request carries no challengePassword."));
        if (!CredentialSecrets.IsWellFormedSecret(challenge) && webhook.IsConfigured(profile.Name))
        {
            // A challenge the gateway did not issue (Intune, Jamf, Fleet): the profile's validation service decides. A
            // retransmission of a transaction already decided goes to the enrollment without asking again (a one-time
            // challenge is spent by then): the same requester and CSR get the stored outcome, another CSR is refused.
            var webhookRequester = new Requester(AuthenticationMethods.ChallengePassword, ScepChallengeWebhook.Principal(challenge));
            var key = TransactionKey(transaction, null);
            if (await port.GetOutcomeAsync(EnrollmentProtocol.Scep, key) is not null) return new Caller(webhookRequester, key, null, null);
            var verdict = await webhook.ValidateAsync(profile.Name, request, csr.Der, csr.SubjectText, challenge, client);
            if (verdict.Allowed) return new Caller(webhookRequester, key, null, null);
            failures.RecordFailure(client); // each guess costs the validation service a call: counted like a wrong secret
            return new Caller(null, null, null, Failure(transaction, ScepFailInfo.BadRequest, "The challengePassword was refused: " + verdict.Reason));
        }
        var credentialId = CredentialSecrets.TryGetId(challenge, out var id) ? id : challenge[..Math.Min(challenge.Length, CredentialSecrets.IdLength)];
        var check = await port.VerifyCredentialAsync(profile, credentialId, challenge, client);
        switch (check.Status)
        {
            case CredentialCheckStatus.Valid:
            case CredentialCheckStatus.Exhausted:
                // Exhausted: the enrollment returns its stored outcome to a retransmission and refuses anything new.
                return new Caller(new Requester(AuthenticationMethods.ChallengePassword, credentialId), TransactionKey(transaction, null), null, null);
            case CredentialCheckStatus.Throttled:
                return new Caller(null, null, null, Failure(transaction, ScepFailInfo.BadRequest, "Too many failed challenges from this address; retry later."));
            case CredentialCheckStatus.NotFound or CredentialCheckStatus.WrongSecret:
                return new Caller(null, null, null, Failure(transaction, ScepFailInfo.BadRequest, "The challengePassword is not valid."));
            default:
                return new Caller(null, null, null, Failure(transaction, ScepFailInfo.BadRequest, "The challengePassword may not be used: " + check.Reason + "."));
        }
    }

    private async Task<ClientCertificateCheck?> CheckGatewayCertificateAsync(EnrollmentProfile profile, X509Certificate2 signer)
    {
        // A self-signed signer is a throwaway certificate: only one issued by the gateway's CA can be a renewal.
        if (signer.SubjectName.RawData.AsSpan().SequenceEqual(signer.IssuerName.RawData)) return null;
        return await port.VerifyClientCertificateAsync(profile, signer, ClientCertificateUse.Renewal, [], []);
    }

    private async Task<string?> RenewedSerialAsync(EnrollmentProfile profile, X509Certificate2 signer)
    {
        var check = await CheckGatewayCertificateAsync(profile, signer);
        return check is { Authenticated: true } ? check.Serial : null;
    }

    /// <summary>The enrollment's transaction id: the client's transactionID scoped to the renewed certificate or to the signing key.</summary>
    internal static string TransactionKey(ScepTransaction transaction, string? renewedSerial)
    {
        var scope = renewedSerial is not null
            ? "renew-" + renewedSerial
            : "key-" + Convert.ToHexStringLower(SHA256.HashData(transaction.Signer.PublicKey.ExportSubjectPublicKeyInfo()).AsSpan(0, 16));
        return scope + ":" + transaction.TransactionId;
    }

    /// <summary>The issuer name (DER) of an IssuerAndSerialNumber or IssuerAndSubject messageData.</summary>
    /// <summary>The issuer name (DER) and serial (lowercase hex, no leading zero bytes) of an IssuerAndSerialNumber.</summary>
    private static (byte[] Issuer, string Serial) ReadIssuerAndSerial(byte[] messageData)
    {
        var (issuer, second) = ReadPair(messageData);
        if (second is not DerInteger serial || serial.Value.SignValue <= 0)
            throw new ScepMessageException(ScepFailInfo.BadRequest, "The messageData is not an IssuerAndSerialNumber with a positive serial.");
        return (issuer, Convert.ToHexStringLower(serial.Value.ToByteArrayUnsigned()));
    }

    private static (byte[] Issuer, Asn1Encodable Second) ReadPair(byte[] messageData)
    {
        try
        {
            var sequence = Asn1Sequence.GetInstance(Asn1Object.FromByteArray(messageData));
            if (sequence.Count != 2) throw new ArgumentException("two elements expected");
            return (Org.BouncyCastle.Asn1.X509.X509Name.GetInstance(sequence[0]).GetEncoded(Asn1Encodable.Der), sequence[1]);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or InvalidCastException)
        {
            throw new ScepMessageException(ScepFailInfo.BadRequest, "The messageData is not an IssuerAndSerialNumber: " + ex.Message);
        }
    }

    private ScepReply Failure(ScepTransaction transaction, ScepFailInfo failInfo, string error)
    {
        logger.LogInformation("SCEP transaction {TransactionId} failed ({FailInfo}): {Error}", transaction.TransactionId, failInfo, error);
        return ScepReply.Of(ScepCertRep.Failure(transaction, ra, failInfo));
    }
}
