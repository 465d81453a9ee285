using System.Collections.Concurrent;
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
using Org.BouncyCastle.Asn1.Cmp;
using Org.BouncyCastle.Asn1.Crmf;
using Org.BouncyCastle.Asn1.X509;
using Org.BouncyCastle.Crmf;
using Org.BouncyCastle.Crypto.Operators;
using Org.BouncyCastle.Security;

namespace Gateway.Protocols.Cmp;

/// <summary>
/// One CMP request in, one protected PKIMessage out (RFC 9810, Lightweight CMP profile RFC 9483). Reads the message,
/// checks the header (pvno, transactionID, senderNonce, messageTime), verifies the protection (password-based MAC with
/// an enrollment credential, or a signature whose certificate this gateway issued or a configured anchor vouches for),
/// and turns the body into calls on the enrollment port. Every answer, errors included, is protected: with the
/// request's MAC secret when it was MAC-protected, else signed by the CMP responder identity. An enrollment's
/// transaction id is the client's transactionID scoped to who authenticated it, so nobody can confirm, poll or take
/// over another client's transaction.
/// </summary>
internal sealed class CmpService(IEnrollmentPort port, CmpResponder responder, CmpTrustAnchors anchors, CredentialFailureLimiter failures,
    IOptions<CmpOptions> options, TimeProvider time, ILogger<CmpService> logger)
{
    private static readonly DerObjectIdentifier OldCertIdControl = CrmfObjectIdentifiers.id_regCtrl_oldCertID;
    private static readonly DerObjectIdentifier ReasonCodeExtension = X509Extensions.ReasonCode;

    /// <summary>Which response body type a transaction's enrollment request expects (for the answer to a later pollReq); bounded.</summary>
    private readonly ConcurrentDictionary<string, int> _requestTypes = new(StringComparer.Ordinal);

    public async Task<CmpReply> HandleAsync(EnrollmentProfile profile, byte[] der, IPAddress? client)
    {
        // Every answer to an unauthenticated request costs a signature (or a MAC key derivation) before we know who sent
        // it: an address whose messages keep failing is refused unread (the per-address count of failed credential checks).
        if (failures.IsBlocked(client, out var retryAfter))
        {
            logger.LogInformation("CMP message from {Client} refused unread: too many failed messages or authentications from this address.", client);
            return CmpReply.Http(StatusCodes429, "Too many failed CMP messages or authentications from this address; retry later.", retryAfter);
        }
        PkiMessage message;
        try
        {
            message = PkiMessage.GetInstance(Asn1Object.FromByteArray(der));
            _ = message.Body.Content; // forces the body's type to be known
        }
        catch (Exception ex) when (ex is IOException or ArgumentException or InvalidCastException or InvalidOperationException or NullReferenceException)
        {
            failures.RecordFailure(client);
            logger.LogInformation("CMP message from {Client} is not a PKIMessage: {Error}", client, ex.Message);
            return Error(new CmpExchange(null, profile), UnknownBodyType(der) is { } type
                ? new CmpProblem(CmpFailureInfo.BadRequest, $"PKIBody type {type} is not defined by RFC 9810.")
                : new CmpProblem(CmpFailureInfo.BadDataFormat, "The request is not a DER PKIMessage."));
        }

        var exchange = new CmpExchange(message, profile);
        try
        {
            CheckHeader(exchange);
            var authentication = await AuthenticateAsync(profile, exchange, client);
            if (authentication.Reply is not null) return authentication.Reply;
            exchange.Authentication = authentication.Value;
            return await DispatchAsync(profile, exchange);
        }
        catch (CmpProblem problem)
        {
            if (exchange.Authentication is null) failures.RecordFailure(client); // refused before we knew who sent it
            logger.LogInformation("CMP {Body} from {Client} refused ({FailInfo}): {Error}", CmpBodies.Name(exchange.BodyType), client, problem.FailInfo, problem.Message);
            return Error(exchange, problem);
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidCastException or FormatException or IOException or OverflowException or ArithmeticException
            or NullReferenceException)
        {
            // A structure BouncyCastle could not read inside an otherwise well-formed message.
            if (exchange.Authentication is null) failures.RecordFailure(client);
            logger.LogInformation("CMP {Body} from {Client} is malformed: {Error}", CmpBodies.Name(exchange.BodyType), client, ex.Message);
            return Error(exchange, new CmpProblem(CmpFailureInfo.BadDataFormat, $"The {CmpBodies.Name(exchange.BodyType)} content is malformed."));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store, the cluster or a grain call failed (or timed out): a CMP client understands systemUnavail, not an HTTP 503.
            // Whatever was committed stays committed; the client's retry of the same transaction gets it.
            logger.LogWarning(ex, "CMP {Body} {TransactionId} could not be completed", CmpBodies.Name(exchange.BodyType), Tid(exchange));
            return Error(exchange, new CmpProblem(CmpFailureInfo.SystemUnavail, "The gateway cannot complete the request now; retry the same request later."));
        }
    }

    /// <summary>The body's tag number when the message is a SEQUENCE of a header and a body whose context tag no RFC 9810 body type has (above 26).</summary>
    internal static int? UnknownBodyType(byte[] der)
    {
        try
        {
            var message = new System.Formats.Asn1.AsnReader(der, System.Formats.Asn1.AsnEncodingRules.BER).ReadSequence();
            message.ReadEncodedValue(); // header
            var tag = message.PeekTag();
            return tag.TagClass == System.Formats.Asn1.TagClass.ContextSpecific && tag.TagValue > CmpBodies.PollRep ? tag.TagValue : null;
        }
        catch (System.Formats.Asn1.AsnContentException)
        {
            return null;
        }
    }

    private void CheckHeader(CmpExchange exchange)
    {
        var header = exchange.Header!;
        var pvno = header.Pvno.IntValueExact;
        if (pvno is not (2 or 3)) throw new CmpProblem(CmpFailureInfo.UnsupportedVersion, $"pvno {pvno} is not supported (2 or 3).");
        if (exchange.TransactionId is not { Length: >= 1 and <= 64 })
            throw new CmpProblem(CmpFailureInfo.BadRequest, "The header carries no transactionID (of 1 to 64 bytes).");
        if (exchange.SenderNonce is not { Length: >= 8 and <= 64 })
            throw new CmpProblem(CmpFailureInfo.BadSenderNonce, "The header carries no senderNonce (of 8 to 64 bytes).");
        if (header.MessageTime is { } messageTime)
        {
            var at = new DateTimeOffset(messageTime.ToDateTime(), TimeSpan.Zero);
            var tolerance = options.Value.MessageTimeTolerance;
            if ((at - time.GetUtcNow()).Duration() > tolerance)
                throw new CmpProblem(CmpFailureInfo.BadTime, $"messageTime {at:u} is more than {tolerance} from the gateway's time.");
        }
        if (header.ProtectionAlg is null || exchange.Request!.Protection is null)
            throw new CmpProblem(CmpFailureInfo.BadMessageCheck, "The message is not protected (MAC or signature protection is required).");
    }

    private sealed record Authenticated(CmpAuthentication? Value, CmpReply? Reply);

    private async Task<Authenticated> AuthenticateAsync(EnrollmentProfile profile, CmpExchange exchange, IPAddress? client)
    {
        var request = exchange.Request!;
        var algorithm = request.Header.ProtectionAlg;
        var protectedPart = new DerSequence(request.Header, request.Body).GetEncoded(Asn1Encodable.Der);
        var protection = request.Protection.GetOctets();

        if (CmpMac.IsMac(algorithm))
        {
            if (exchange.SenderKid is not { Length: > 0 } kid)
                throw new CmpProblem(CmpFailureInfo.BadMessageCheck, "A MAC-protected message must name its secret's reference in senderKID.");
            var credentialId = System.Text.Encoding.ASCII.GetString(kid);
            var key = await port.GetCredentialMacKeyAsync(profile, credentialId, client);
            switch (key.Check.Status)
            {
                case CredentialCheckStatus.Throttled:
                    return new Authenticated(null, CmpReply.Http(StatusCodes429, "Too many failed CMP authentications from this address; retry later.", key.Check.RetryAfter));
                case CredentialCheckStatus.NotFound:
                    throw new CmpProblem(CmpFailureInfo.BadMessageCheck, "The MAC does not verify.");
            }
            if (key.Key is null) throw new CmpProblem(CmpFailureInfo.NotAuthorized, "The credential may not be used: " + key.Check.Reason + ".");
            if (!CmpMac.Verify(algorithm, key.Key, protectedPart, protection, options.Value.MaxMacIterations))
            {
                throw new CmpProblem(CmpFailureInfo.BadMessageCheck, "The MAC does not verify.");
            }
            return new Authenticated(new CmpAuthentication(new Requester(AuthenticationMethods.SharedSecretMac, credentialId), "mac-" + credentialId,
                key.Key, algorithm), null);
        }

        // Signature protection: the protection certificate is the first of extraCerts (RFC 9483 §3.3).
        if (!KnownSignatureAlgorithms.Contains(algorithm.Algorithm.Id))
            throw new CmpProblem(CmpFailureInfo.BadAlg, $"Protection algorithm {algorithm.Algorithm.Id} is neither a supported MAC nor a supported signature (RFC 9481).");
        var extra = exchange.ExtraCerts();
        if (extra.Count == 0) throw new CmpProblem(CmpFailureInfo.BadMessageCheck, "A signature-protected message must carry its protection certificate first in extraCerts.");
        var signer = extra[0];
        if (!VerifySignature(algorithm, signer, protectedPart, protection))
        {
            throw new CmpProblem(CmpFailureInfo.BadMessageCheck, "The signature does not verify with the protection certificate.");
        }
        if (exchange.Sender?.TagNo == GeneralName.DirectoryName
            && !X509Name.GetInstance(exchange.Sender.Name).GetEncoded(Asn1Encodable.Der).AsSpan().SequenceEqual(signer.SubjectName.RawData)
            && signer.SubjectName.RawData.Length > 2)
        {
            throw new CmpProblem(CmpFailureInfo.BadMessageCheck, "The sender is not the subject of the protection certificate.");
        }

        var use = exchange.BodyType is CmpBodies.Kur or CmpBodies.Rr ? ClientCertificateUse.Renewal : ClientCertificateUse.Enrollment;
        var intermediates = new X509Certificate2Collection();
        foreach (var c in extra.Skip(1)) intermediates.Add(c);
        var externalAnchors = use == ClientCertificateUse.Renewal ? [] : anchors.For(profile.Name);
        var check = await port.VerifyClientCertificateAsync(profile, signer, use, externalAnchors, intermediates);
        if (!check.Authenticated)
        {
            throw new CmpProblem(CmpFailureInfo.SignerNotTrusted, use == ClientCertificateUse.Renewal
                ? "The protection certificate must be a valid certificate this gateway issued in this profile: " + check.Message
                : "The protection certificate is not trusted: " + check.Message);
        }
        var gatewayIssued = check.Status == ClientCertificateStatus.GatewayIssued;
        var requester = gatewayIssued ? check.Requester! with { AuthenticationMethod = AuthenticationMethods.Signature } : check.Requester!;
        var scope = "sig-" + Convert.ToHexStringLower(SHA256.HashData(signer.PublicKey.ExportSubjectPublicKeyInfo()).AsSpan(0, 16));
        return new Authenticated(new CmpAuthentication(requester, scope, Signer: signer, SignerSerial: check.Serial, GatewayIssuedSigner: gatewayIssued), null);
    }

    private const int StatusCodes429 = 429;

    /// <summary>RFC 9481 §3: RSA PKCS#1 v1.5 and RSASSA-PSS with SHA-2 (SHA-1 for old clients), ECDSA with SHA-2, Ed25519, Ed448.</summary>
    private static readonly HashSet<string> KnownSignatureAlgorithms =
    [
        "1.2.840.113549.1.1.5", "1.2.840.113549.1.1.11", "1.2.840.113549.1.1.12", "1.2.840.113549.1.1.13", "1.2.840.113549.1.1.10",
        "1.2.840.10045.4.1", "1.2.840.10045.4.3.2", "1.2.840.10045.4.3.3", "1.2.840.10045.4.3.4",
        "1.3.101.112", "1.3.101.113",
    ];

    private static bool VerifySignature(AlgorithmIdentifier algorithm, X509Certificate2 signer, byte[] data, byte[] signature)
    {
        try
        {
            var key = PublicKeyFactory.CreateKey(signer.PublicKey.ExportSubjectPublicKeyInfo());
            var verifier = new Asn1VerifierFactory(algorithm, key).CreateCalculator();
            using (var stream = verifier.Stream) stream.Write(data, 0, data.Length);
            return verifier.GetResult().IsVerified(signature);
        }
        catch (Exception ex) when (ex is SecurityUtilityException or ArgumentException or InvalidCastException or InvalidOperationException
            or Org.BouncyCastle.Crypto.CryptoException or IOException)
        {
            throw new CmpProblem(CmpFailureInfo.BadAlg, $"Protection algorithm {algorithm.Algorithm.Id} cannot be verified with the protection certificate's key.");
        }
    }

    private Task<CmpReply> DispatchAsync(EnrollmentProfile profile, CmpExchange exchange) => exchange.BodyType switch
    {
        CmpBodies.Ir or CmpBodies.Cr or CmpBodies.Kur => EnrollAsync(profile, exchange),
        CmpBodies.P10cr => EnrollP10Async(profile, exchange),
        CmpBodies.CertConf => ConfirmAsync(exchange),
        CmpBodies.PollReq => PollAsync(exchange),
        CmpBodies.Rr => RevokeAsync(profile, exchange),
        CmpBodies.Genm => GeneralAsync(profile, exchange),
        CmpBodies.Error => ClientErrorAsync(exchange),
        _ => throw new CmpProblem(CmpFailureInfo.BadRequest, $"{CmpBodies.Name(exchange.BodyType)} is not a request this server answers."),
    };

    // ---- ir / cr / kur / p10cr ----

    private async Task<CmpReply> EnrollAsync(EnrollmentProfile profile, CmpExchange exchange)
    {
        var auth = exchange.Authentication!;
        var messages = CertReqMessages.GetInstance(exchange.Request!.Body.Content).ToCertReqMsgArray();
        if (messages.Length != 1) throw new CmpProblem(CmpFailureInfo.BadRequest, "Exactly one CertReqMsg is accepted per request.");
        var message = messages[0];
        var certRequest = message.CertReq;
        if (certRequest.CertReqID.Value.SignValue != 0) throw new CmpProblem(CmpFailureInfo.BadRequest, "certReqId must be 0.");
        var template = certRequest.CertTemplate;
        if (template.PublicKey is null) throw new CmpProblem(CmpFailureInfo.BadCertTemplate, "The certTemplate carries no publicKey (central key generation is not offered).");
        var spki = template.PublicKey.GetEncoded(Asn1Encodable.Der);

        CheckProofOfPossession(message, spki);

        string? renewalOf = null;
        if (exchange.BodyType == CmpBodies.Kur)
        {
            if (auth.IsMac || !auth.GatewayIssuedSigner)
                throw new CmpProblem(CmpFailureInfo.NotAuthorized, "A kur must be signed with the certificate it updates.");
            CheckOldCertId(certRequest, auth.Signer!);
            renewalOf = auth.SignerSerial;
        }

        var requested = ToTemplate(spki, template);
        var grantImplicit = exchange.AsksImplicitConfirm && options.Value.ImplicitConfirmAllowed(profile.Name);
        var enrollment = new EnrollmentRequest(EnrollmentProtocol.Cmp, profile.Name, auth.Requester, exchange.TransactionKey, null, requested,
            renewalOf, RequiresConfirmation: !grantImplicit);
        Remember(exchange.TransactionKey, exchange.BodyType);
        var outcome = await port.EnrollAsync(enrollment);
        return CertResponse(exchange, CmpBodies.ResponseTo(exchange.BodyType), 0, outcome);
    }

    private async Task<CmpReply> EnrollP10Async(EnrollmentProfile profile, CmpExchange exchange)
    {
        var auth = exchange.Authentication!;
        var csr = exchange.Request!.Body.Content.ToAsn1Object().GetEncoded(Asn1Encodable.Der);
        var grantImplicit = exchange.AsksImplicitConfirm && options.Value.ImplicitConfirmAllowed(profile.Name);
        var enrollment = new EnrollmentRequest(EnrollmentProtocol.Cmp, profile.Name, auth.Requester, exchange.TransactionKey, csr, null,
            null, RequiresConfirmation: !grantImplicit);
        Remember(exchange.TransactionKey, CmpBodies.P10cr);
        var outcome = await port.EnrollAsync(enrollment);
        return CertResponse(exchange, CmpBodies.Cp, -1, outcome);
    }

    private static void CheckProofOfPossession(CertReqMsg message, byte[] spki)
    {
        var pop = message.Pop;
        if (pop is null) throw new CmpProblem(CmpFailureInfo.BadPop, "The request carries no proof of possession.");
        if (pop.Type != ProofOfPossession.TYPE_SIGNING_KEY)
            throw new CmpProblem(CmpFailureInfo.BadPop, "Only signature proof of possession is accepted (not raVerified, keyEncipherment or keyAgreement).");
        bool valid;
        try
        {
            var key = PublicKeyFactory.CreateKey(spki);
            valid = new CertificateRequestMessage(message).IsValidSigningKeyPop(new Asn1VerifierFactoryProvider(key));
        }
        catch (Exception ex) when (ex is SecurityUtilityException or ArgumentException or InvalidCastException or InvalidOperationException
            or Org.BouncyCastle.Crypto.CryptoException or IOException or CrmfException)
        {
            throw new CmpProblem(CmpFailureInfo.BadPop, "The proof-of-possession signature cannot be checked: " + ex.Message);
        }
        if (!valid) throw new CmpProblem(CmpFailureInfo.BadPop, "The proof-of-possession signature does not verify with the requested public key.");
    }

    private static void CheckOldCertId(CertRequest request, X509Certificate2 signer)
    {
        var controls = request.Controls?.ToAttributeTypeAndValueArray() ?? [];
        var oldCertId = controls.FirstOrDefault(c => OldCertIdControl.Equals(c.Type));
        if (oldCertId is null) return; // RFC 9483 §4.1.3: MAY be present; the signer is the certificate updated
        var id = CertId.GetInstance(oldCertId.Value);
        var serialMatches = id.SerialNumber.Value.Equals(new Org.BouncyCastle.Math.BigInteger(1, signer.SerialNumberBytes.ToArray()));
        var issuerMatches = id.Issuer.TagNo == GeneralName.DirectoryName
            && X509Name.GetInstance(id.Issuer.Name).GetEncoded(Asn1Encodable.Der).AsSpan().SequenceEqual(signer.IssuerName.RawData);
        if (!serialMatches || !issuerMatches) throw new CmpProblem(CmpFailureInfo.BadCertId, "oldCertId does not name the certificate that signed the kur.");
    }

    private static RequestedTemplate ToTemplate(byte[] spki, CertTemplate template)
    {
        byte[]? subject = template.Subject?.GetEncoded(Asn1Encodable.Der);
        var names = new List<SubjectAltName>();
        var extensions = new List<ExtensionData>();
        if (template.Extensions is { } requested)
        {
            foreach (var oid in requested.ExtensionOids)
            {
                var extension = requested.GetExtension(oid);
                var value = extension.Value.GetOctets();
                if (oid.Equals(X509Extensions.SubjectAlternativeName))
                {
                    try
                    {
                        names.AddRange(SubjectAltNameExtension.Read(value).ToContracts());
                    }
                    catch (CsrFormatException ex)
                    {
                        throw new CmpProblem(CmpFailureInfo.BadCertTemplate, "The subjectAltName extension of the certTemplate is malformed: " + ex.Message);
                    }
                }
                extensions.Add(new ExtensionData(oid.Id, extension.IsCritical, value));
            }
        }
        return new RequestedTemplate(spki, subject, names, extensions);
    }

    private void Remember(string transactionKey, int bodyType)
    {
        if (_requestTypes.Count > 100_000) _requestTypes.Clear();
        _requestTypes[transactionKey] = bodyType;
    }

    private CmpReply CertResponse(CmpExchange exchange, int responseType, int certReqId, EnrollmentOutcome outcome)
    {
        CertResponse response;
        var implicitConfirm = false;
        var extra = new List<byte[]>();
        CmpCertificate[]? caPubs = null;
        switch (outcome)
        {
            case IssuedOutcome or AwaitingConfirmationOutcome:
                var (serial, certificate, chain) = outcome is IssuedOutcome i ? (i.Serial, i.Certificate, i.Chain) : Delivered((AwaitingConfirmationOutcome)outcome);
                implicitConfirm = outcome is IssuedOutcome;
                response = new CertResponse(DerInteger.ValueOf(certReqId), CmpBodies.Accepted,
                    new CertifiedKeyPair(new CertOrEncCert(new CmpCertificate(X509CertificateStructure.GetInstance(certificate)))), null);
                extra.AddRange(chain);
                if (exchange.Authentication!.IsMac && responseType == CmpBodies.Ip && chain.Count > 0)
                {
                    // RFC 9483 §4.1.1: with MAC protection the root may come in caPubs, for a client that has no trust anchor yet.
                    caPubs = [new CmpCertificate(X509CertificateStructure.GetInstance(chain[^1]))];
                }
                logger.LogInformation("CMP {Body} {TransactionId}: {Outcome} {Serial}.", CmpBodies.Name(exchange.BodyType), Tid(exchange),
                    implicitConfirm ? "issued (implicitly confirmed)" : "issued, awaiting certConf", serial);
                break;
            case PendingOutcome pending:
                response = new CertResponse(DerInteger.ValueOf(certReqId), CmpBodies.Waiting(pending.Reason), null, null);
                logger.LogInformation("CMP {Body} {TransactionId}: waiting ({Reason}).", CmpBodies.Name(exchange.BodyType), Tid(exchange), pending.Reason);
                break;
            case RejectedOutcome { Reason: RejectionReason.TransactionIdInUse } inUse:
                // RFC 9483 §3.5: a transactionID already used for another request is answered with an error message.
                throw new CmpProblem(CmpFailureInfo.TransactionIdInUse, inUse.Message);
            case RejectedOutcome rejected:
                response = new CertResponse(DerInteger.ValueOf(certReqId),
                    CmpBodies.Rejection(RejectionMap.CmpFailureInfo(rejected.Reason), $"{rejected.Reason}: {rejected.Message}"), null, null);
                logger.LogInformation("CMP {Body} {TransactionId}: rejected ({Reason}): {Message}", CmpBodies.Name(exchange.BodyType), Tid(exchange), rejected.Reason, rejected.Message);
                break;
            default:
                throw new CmpProblem(CmpFailureInfo.SystemFailure, "The enrollment ended in a state CMP cannot express.");
        }
        var body = new PkiBody(responseType, new CertRepMessage(caPubs, [response]));
        return Protect(exchange, body, extra, implicitConfirm);
    }

    private static (string Serial, byte[] Certificate, IReadOnlyList<byte[]> Chain) Delivered(AwaitingConfirmationOutcome o) => (o.Serial, o.Certificate, o.Chain);

    // ---- certConf ----

    private async Task<CmpReply> ConfirmAsync(CmpExchange exchange)
    {
        var content = CertConfirmContent.GetInstance(exchange.Request!.Body.Content).ToCertStatusArray();
        var outcome = await port.GetOutcomeAsync(EnrollmentProtocol.Cmp, exchange.TransactionKey)
            ?? throw new CmpProblem(CmpFailureInfo.BadRequest, "No enrollment with this transactionID was started with these credentials.");
        var (serial, certificate) = outcome switch
        {
            AwaitingConfirmationOutcome a => (a.Serial, a.Certificate),
            IssuedOutcome i => (i.Serial, i.Certificate),
            _ => throw new CmpProblem(CmpFailureInfo.BadRequest, "This transaction has no certificate to confirm."),
        };
        if (content.Length > 1) throw new CmpProblem(CmpFailureInfo.BadRequest, "Exactly one CertStatus is accepted in a certConf.");

        if (content.Length == 0)
        {
            // RFC 9810 §5.3.18: an empty certConf rejects every certificate of the transaction.
            await RefuseAsync(exchange, serial, "certConf without CertStatus");
        }
        else
        {
            var status = content[0];
            if (status.CertReqID.Value.IntValue is not (0 or -1)) throw new CmpProblem(CmpFailureInfo.BadCertId, "certReqId names no certificate of this transaction.");
            var expected = CertHash(certificate, status.HashAlg);
            if (!CryptographicOperations.FixedTimeEquals(expected, status.CertHash.GetOctets()))
                throw new CmpProblem(CmpFailureInfo.BadCertId, "certHash is not the hash of the certificate delivered in this transaction.");
            if (status.StatusInfo is { } info && info.Status.IntValueExact == (int)PkiStatus.Rejection)
            {
                await RefuseAsync(exchange, serial, "certConf rejection: " + FreeText(info.StatusString));
            }
            else
            {
                var confirmed = await port.ConfirmAsync(EnrollmentProtocol.Cmp, exchange.TransactionKey, serial);
                if (confirmed is RejectedOutcome rejected)
                    throw new CmpProblem(RejectionMap.CmpFailureInfo(rejected.Reason), $"{rejected.Reason}: {rejected.Message}");
                logger.LogInformation("CMP certConf {TransactionId}: certificate {Serial} confirmed.", Tid(exchange), serial);
            }
        }
        return Protect(exchange, new PkiBody(CmpBodies.PkiConf, DerNull.Instance), [], false);
    }

    private async Task RefuseAsync(CmpExchange exchange, string serial, string reason)
    {
        var refused = await port.RefuseAsync(EnrollmentProtocol.Cmp, exchange.TransactionKey, serial, reason);
        logger.LogInformation("CMP {Body} {TransactionId}: the client refused certificate {Serial} ({Reason}); outcome {Outcome}.",
            CmpBodies.Name(exchange.BodyType), Tid(exchange), serial, reason, refused.GetType().Name);
    }

    /// <summary>
    /// The certHash of <paramref name="certificate"/>: with the certConf's hashAlg (pvno 3) if given, else the hash of the
    /// certificate's signature algorithm (RFC 9810 §5.3.18; SHA-512 for Ed25519, RFC 9481 §3.3).
    /// </summary>
    internal static byte[] CertHash(byte[] certificate, AlgorithmIdentifier? hashAlg)
    {
        HashAlgorithmName hash;
        if (hashAlg is not null)
        {
            hash = hashAlg.Algorithm.Id switch
            {
                "1.3.14.3.2.26" => HashAlgorithmName.SHA1,
                "2.16.840.1.101.3.4.2.1" => HashAlgorithmName.SHA256,
                "2.16.840.1.101.3.4.2.2" => HashAlgorithmName.SHA384,
                "2.16.840.1.101.3.4.2.3" => HashAlgorithmName.SHA512,
                _ => throw new CmpProblem(CmpFailureInfo.BadAlg, $"certConf hashAlg {hashAlg.Algorithm.Id} is not supported."),
            };
        }
        else
        {
            var signatureAlgorithm = X509CertificateStructure.GetInstance(certificate).SignatureAlgorithm.Algorithm.Id;
            hash = signatureAlgorithm switch
            {
                "1.2.840.10045.4.3.3" or "1.2.840.113549.1.1.12" => HashAlgorithmName.SHA384,
                "1.2.840.10045.4.3.4" or "1.2.840.113549.1.1.13" or "1.3.101.112" => HashAlgorithmName.SHA512,
                "1.2.840.10045.4.1" or "1.2.840.113549.1.1.5" => HashAlgorithmName.SHA1,
                _ => HashAlgorithmName.SHA256,
            };
        }
        using var hasher = IncrementalHash.CreateHash(hash);
        hasher.AppendData(certificate);
        return hasher.GetHashAndReset();
    }

    // ---- pollReq ----

    private async Task<CmpReply> PollAsync(CmpExchange exchange)
    {
        var polls = PollReqContent.GetInstance(exchange.Request!.Body.Content).GetCertReqIDs();
        if (polls.Length != 1) throw new CmpProblem(CmpFailureInfo.BadRequest, "Exactly one certReqId is accepted in a pollReq.");
        if (polls[0].Length != 1) throw new CmpProblem(CmpFailureInfo.BadRequest, "A pollReq names one certReqId.");
        var certReqId = polls[0][0].IntValueExact;
        var outcome = await port.GetOutcomeAsync(EnrollmentProtocol.Cmp, exchange.TransactionKey)
            ?? throw new CmpProblem(CmpFailureInfo.BadRequest, "No enrollment with this transactionID was started with these credentials.");
        if (outcome is PendingOutcome pending)
        {
            var checkAfter = (long)Math.Clamp(Math.Ceiling(pending.RetryAfter.TotalSeconds), 1, 3600);
            var body = new PkiBody(CmpBodies.PollRep, new PollRepContent(DerInteger.ValueOf(certReqId), DerInteger.ValueOf(checkAfter), new PkiFreeText(pending.Reason)));
            return Protect(exchange, body, [], false);
        }
        var type = _requestTypes.TryGetValue(exchange.TransactionKey, out var requestType) ? CmpBodies.ResponseTo(requestType)
            : certReqId == -1 ? CmpBodies.Cp : CmpBodies.Ip;
        return CertResponse(exchange, type, certReqId, outcome);
    }

    // ---- rr ----

    private async Task<CmpReply> RevokeAsync(EnrollmentProfile profile, CmpExchange exchange)
    {
        var auth = exchange.Authentication!;
        var details = RevReqContent.GetInstance(exchange.Request!.Body.Content).ToRevDetailsArray();
        if (details.Length != 1) throw new CmpProblem(CmpFailureInfo.BadRequest, "Exactly one RevDetails is accepted per rr.");
        var target = details[0].CertDetails;
        if (target.SerialNumber is null || target.Issuer is null)
            throw new CmpProblem(CmpFailureInfo.BadCertId, "certDetails must name the certificate by issuer and serialNumber.");
        var serial = Convert.ToHexStringLower(target.SerialNumber.Value.ToByteArrayUnsigned());
        var certificate = await port.GetCertificateAsync(serial);
        var issuerDer = target.Issuer.GetEncoded(Asn1Encodable.Der);
        if (certificate is null || certificate.Profile != profile.Name || !IssuerOf(certificate.Der).AsSpan().SequenceEqual(issuerDer))
            throw new CmpProblem(CmpFailureInfo.BadCertId, "No certificate of this profile with that issuer and serial number.");

        // Who may revoke: the certificate's own key (signature with it), or the credential it was enrolled with (MAC).
        var allowed = auth.IsMac
            ? certificate.Requester == auth.Requester.ToString()
            : auth.GatewayIssuedSigner && string.Equals(auth.SignerSerial, serial, StringComparison.OrdinalIgnoreCase);
        if (!allowed) throw new CmpProblem(CmpFailureInfo.NotAuthorized, "Only the certificate's own key, or the credential it was enrolled with, may revoke it.");

        var reason = RevocationReason.Unspecified;
        if (details[0].CrlEntryDetails?.GetExtension(ReasonCodeExtension) is { } reasonExtension)
        {
            var code = DerEnumerated.GetInstance(reasonExtension.GetParsedValue()).IntValueExact;
            if (!Enum.IsDefined((RevocationReason)code) || code is (int)RevocationReason.RemoveFromCrl or (int)RevocationReason.CaCompromise or (int)RevocationReason.AaCompromise)
                throw new CmpProblem(CmpFailureInfo.BadRequest, $"Revocation reason {code} cannot be requested.");
            reason = (RevocationReason)code;
        }
        var result = await port.RevokeAsync(serial, reason, $"cmp:{auth.Requester}");
        PkiStatusInfo status = result.Status switch
        {
            Contracts.Grains.RevocationStatus.Revoked => CmpBodies.Accepted,
            Contracts.Grains.RevocationStatus.AlreadyRevoked => CmpBodies.Rejection(CmpFailureInfo.CertRevoked, "The certificate is already revoked."),
            Contracts.Grains.RevocationStatus.NotFound => CmpBodies.Rejection(CmpFailureInfo.BadCertId, "No such certificate."),
            _ => CmpBodies.Rejection(CmpFailureInfo.BadRequest, $"The revocation was refused ({result.Status})."),
        };
        logger.LogInformation("CMP rr {TransactionId}: certificate {Serial} ({Reason}): {Status}.", Tid(exchange), serial, reason, result.Status);
        var body = new PkiBody(CmpBodies.Rp, new RevRepContentBuilder().Add(status, new CertId(target.Issuer is { } n ? new GeneralName(n) : null, target.SerialNumber)).Build());
        return Protect(exchange, body, [], false);
    }

    private static byte[] IssuerOf(byte[] certificateDer) => X509CertificateStructure.GetInstance(certificateDer).Issuer.GetEncoded(Asn1Encodable.Der);

    // ---- genm ----

    private static readonly DerObjectIdentifier CaCerts = new("1.3.6.1.5.5.7.4.17");
    private static readonly DerObjectIdentifier RootCaKeyUpdate = new("1.3.6.1.5.5.7.4.18");
    private static readonly DerObjectIdentifier CertReqTemplate = new("1.3.6.1.5.5.7.4.19");
    private static readonly DerObjectIdentifier RootCaCert = new("1.3.6.1.5.5.7.4.20");
    private static readonly DerObjectIdentifier CrlStatusList = new("1.3.6.1.5.5.7.4.22");
    private static readonly DerObjectIdentifier Crls = new("1.3.6.1.5.5.7.4.23");

    private async Task<CmpReply> GeneralAsync(EnrollmentProfile profile, CmpExchange exchange)
    {
        var asked = GenMsgContent.GetInstance(exchange.Request!.Body.Content).ToInfoTypeAndValueArray();
        if (asked.Length == 0) throw new CmpProblem(CmpFailureInfo.BadRequest, "The genm asks for nothing.");
        var answers = new List<InfoTypeAndValue>();
        foreach (var item in asked)
        {
            var type = item.InfoType;
            if (type.Equals(CaCerts))
            {
                // RFC 9483 §4.3.1: the CA certificates a client may need (issuing CA first, root, then earlier generations still served).
                answers.Add(new InfoTypeAndValue(CaCerts, new DerSequence(profile.CaCertificates.Select(c => (Asn1Encodable)new CmpCertificate(X509CertificateStructure.GetInstance(c))).ToArray())));
            }
            else if (type.Equals(RootCaCert))
            {
                // RFC 9483 §4.3.2: no root CA key update is available (the root does not roll over): the value is absent.
                answers.Add(new InfoTypeAndValue(RootCaKeyUpdate));
            }
            else if (type.Equals(CertReqTemplate))
            {
                answers.Add(new InfoTypeAndValue(CertReqTemplate, RequestTemplate(profile.Summary)));
            }
            else if (type.Equals(CrlStatusList))
            {
                // RFC 9483 §4.3.4: the current CRLs of the profile's CA, one per issuer generation still served (after a
                // rollover generations share one name, so the client picks by its certificate's authority key identifier);
                // absent when none is available yet.
                var crls = await port.GetCurrentCrlsAsync(profile);
                answers.Add(crls.Count == 0 ? new InfoTypeAndValue(Crls)
                    : new InfoTypeAndValue(Crls, new DerSequence(crls.Select(c => (Asn1Encodable)CertificateList.GetInstance(c.Der)).ToArray())));
            }
            else
            {
                // Not offered: answered with the type and no value (RFC 9810 §5.3.19 lets a server leave out what it does not know).
                answers.Add(new InfoTypeAndValue(type));
            }
        }
        return Protect(exchange, new PkiBody(CmpBodies.Genp, new GenRepContent(answers.ToArray())), [], false);
    }

    private static readonly DerObjectIdentifier AlgIdControl = new("1.3.6.1.5.5.7.5.1.11");
    private static readonly DerObjectIdentifier RsaKeyLenControl = new("1.3.6.1.5.5.7.5.1.12");

    /// <summary>
    /// CertReqTemplateContent (RFC 9483 §4.3.3) from the profile: a certTemplate whose subject names each attribute the
    /// profile requires with an empty value for the client to fill, and keySpec with the profile's preferred key
    /// (id-regCtrl-algId for EC and Ed25519 keys, id-regCtrl-rsaKeyLen for RSA). The profile decides everything else.
    /// </summary>
    internal static Asn1Encodable RequestTemplate(ProfileSummary profile)
    {
        var template = new CertTemplateBuilder();
        if (profile.RequiredSubjectAttributes.Count > 0)
        {
            var rdns = profile.RequiredSubjectAttributes
                .Select(oid => (Asn1Encodable)new DerSet(new DerSequence(new DerObjectIdentifier(oid), new DerUtf8String(""))))
                .ToArray();
            template.SetSubject(X509Name.GetInstance(new DerSequence(rdns)));
        }
        Org.BouncyCastle.Asn1.Crmf.AttributeTypeAndValue? keySpec = profile.AllowedKeys.FirstOrDefault() switch
        {
            { Algorithm: KeyDescription.Ec, Curve: var curve } when Gateway.Pkix.NamedCurves.TryGetOid(curve, out var oid) =>
                new(AlgIdControl, new AlgorithmIdentifier(Org.BouncyCastle.Asn1.X9.X9ObjectIdentifiers.IdECPublicKey, new DerObjectIdentifier(oid))),
            { Algorithm: KeyDescription.Rsa, SizeBits: var bits } => new(RsaKeyLenControl, DerInteger.ValueOf(bits)),
            { Algorithm: KeyDescription.Ed25519 } => new(AlgIdControl, new AlgorithmIdentifier(new DerObjectIdentifier("1.3.101.112"))),
            _ => null,
        };
        return keySpec is null ? new DerSequence(template.Build()) : new DerSequence(template.Build(), new DerSequence(keySpec));
    }

    // ---- error from the client ----

    private async Task<CmpReply> ClientErrorAsync(CmpExchange exchange)
    {
        // RFC 9483 §3.6.4: the client gives up on the transaction; a certificate still awaiting confirmation is refused (revoked).
        var error = ErrorMsgContent.GetInstance(exchange.Request!.Body.Content);
        var outcome = await port.GetOutcomeAsync(EnrollmentProtocol.Cmp, exchange.TransactionKey);
        if (outcome is AwaitingConfirmationOutcome awaiting)
            await RefuseAsync(exchange, awaiting.Serial, "client error message: " + FreeText(error.PkiStatusInfo.StatusString));
        return Protect(exchange, new PkiBody(CmpBodies.PkiConf, DerNull.Instance), [], false);
    }

    // ---- answers ----

    private CmpReply Error(CmpExchange exchange, CmpProblem problem)
    {
        var body = new PkiBody(CmpBodies.Error, new ErrorMsgContent(CmpBodies.Rejection(problem.FailInfo, problem.Message)));
        return Protect(exchange, body, [], false);
    }

    /// <summary>
    /// The protected answer: header echoing the request (transactionID, recipNonce = its senderNonce, pvno), a fresh
    /// senderNonce, messageTime; MAC-protected with the request's secret and MAC algorithm (fresh salt) when the request
    /// was MAC-protected, else signed by the responder with its certificate and chain first in extraCerts.
    /// </summary>
    private CmpReply Protect(CmpExchange exchange, PkiBody body, IReadOnlyList<byte[]> extra, bool implicitConfirm)
    {
        var auth = exchange.Authentication;
        var mac = auth is { IsMac: true };
        var responderName = X509Name.GetInstance(responder.Certificate.SubjectName.RawData);
        var recipient = exchange.Sender ?? new GeneralName(X509Name.GetInstance(DerSequence.Empty));
        var header = new PkiHeaderBuilder(exchange.Pvno, new GeneralName(responderName), recipient)
            .SetMessageTime(new Asn1GeneralizedTime(TruncateToSeconds(time.GetUtcNow().UtcDateTime)))
            .SetSenderNonce(RandomNumberGenerator.GetBytes(16));
        if (exchange.TransactionId is { } tid) header.SetTransactionID(tid);
        if (exchange.SenderNonce is { } nonce) header.SetRecipNonce(nonce);
        header.SetSenderKID(mac ? exchange.SenderKid : responder.KeyId);
        if (implicitConfirm) header.SetGeneralInfo(new InfoTypeAndValue(CmpObjectIdentifiers.it_implicitConfirm, DerNull.Instance));
        var algorithm = mac ? CmpMac.ForResponse(auth!.MacAlgorithm!) : CmpResponder.SignatureAlgorithm;
        header.SetProtectionAlg(algorithm);
        var built = header.Build();
        var protectedPart = new DerSequence(built, body).GetEncoded(Asn1Encodable.Der);
        var protection = mac ? CmpMac.Compute(algorithm, auth!.MacKey!, protectedPart, int.MaxValue) : responder.Sign(protectedPart);

        // extraCerts: our protection certificate and its chain first (signature protection), then the issued certificate's chain.
        var certificates = new List<byte[]>();
        if (!mac)
        {
            // The responder's certificate, then the CA chain it was issued under (RFC 9483 §3.3), so a client that trusts only the root can validate it.
            certificates.Add(responder.Certificate.RawData);
            certificates.AddRange(exchange.Profile.Chain);
        }
        foreach (var c in extra)
        {
            if (!certificates.Any(x => x.AsSpan().SequenceEqual(c))) certificates.Add(c);
        }
        var extraCerts = certificates.Count == 0 ? null
            : certificates.Select(c => new CmpCertificate(X509CertificateStructure.GetInstance(c))).ToArray();
        var message = new PkiMessage(built, body, new DerBitString(protection), extraCerts);
        return CmpReply.Of(message.GetEncoded(Asn1Encodable.Der));
    }

    private static DateTime TruncateToSeconds(DateTime t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc);

    private static string Tid(CmpExchange exchange) => exchange.TransactionId is { } t ? Convert.ToHexStringLower(t) : "-";

    private static string FreeText(PkiFreeText? text)
    {
        if (text is null) return "";
        var parts = new List<string>();
        for (var i = 0; i < text.Count; i++) parts.Add(text[i].GetString());
        return string.Join("; ", parts);
    }
}
