namespace Gateway.Protocols.Common;

/// <summary>The answer of <see cref="IEnrollmentPort.VerifyClientCertificateAsync"/>.</summary>
public enum ClientCertificateStatus
{
    /// <summary>Issued by this gateway (an LDevID), valid, and accepted by the profile.</summary>
    GatewayIssued,

    /// <summary>Chains to a configured manufacturer anchor (an IDevID).</summary>
    Manufacturer,

    /// <summary>Chains to no anchor this profile trusts.</summary>
    NotTrusted,

    /// <summary>Chains to this gateway's CA but is unknown, revoked, on hold, expired or not the stored certificate.</summary>
    NotValid,

    /// <summary>A gateway certificate of a profile this one does not accept (or, for a renewal, of another profile).</summary>
    WrongProfile,

    /// <summary>A gateway certificate without the clientAuth extended key usage.</summary>
    NotClientAuth,

    /// <summary>A renewal needs the current certificate issued by this gateway; this one is not.</summary>
    NotGatewayIssued,
}
