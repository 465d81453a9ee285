namespace Gateway.Contracts;

/// <summary>Machine-readable reasons; each front-end maps them to its own error vocabulary.</summary>
[GenerateSerializer, Alias("Gateway.RejectionReason")]
public enum RejectionReason
{
    /// <summary>The request could not be parsed (bad DER, bad CSR).</summary>
    BadRequest = 0,
    /// <summary>Proof of possession failed: the CSR's (or CRMF POP's) signature does not verify. Stored events keep this name.</summary>
    BadSignature = 1,
    UnknownProfile = 2,
    /// <summary>The requester may not use this profile (protocol or authentication method not allowed).</summary>
    Unauthorized = 3,
    /// <summary>The key is refused: algorithm, size, weak or reused.</summary>
    BadKey = 4,
    /// <summary>A requested name (subject or SAN) is refused.</summary>
    BadName = 5,
    /// <summary>Any other policy rule refused the request.</summary>
    PolicyDenied = 6,
    RateLimited = 7,
    /// <summary>The certificate named for renewal or revocation is unknown, revoked or not the requester's.</summary>
    BadRenewal = 8,
    /// <summary>An administrator denied a pending request; or the requester refused the issued certificate, or did not confirm it in time (it was revoked).</summary>
    Denied = 9,
    /// <summary>The gateway could not complete the request (store or CA unavailable); safe to retry.</summary>
    Unavailable = 10,
    /// <summary>A signature or key algorithm the gateway does not support (the request's, not the policy's key rules).</summary>
    BadAlgorithm = 11,
    /// <summary>The requested certificate template (CRMF) is malformed or asks for what cannot be issued.</summary>
    BadCertTemplate = 12,
    /// <summary>The message time is outside the accepted window (CMP messageTime, SCEP signing time).</summary>
    BadTime = 13,
    /// <summary>The protocol message's protection (MAC or signature over the message) does not verify.</summary>
    BadMessageCheck = 14,
    /// <summary>The transaction id is already used by another request (same id, other fingerprint).</summary>
    TransactionIdInUse = 15,
    /// <summary>The certificate a request refers to (confirmation, revocation, polling) is unknown.</summary>
    UnknownCertificateId = 16,
}
