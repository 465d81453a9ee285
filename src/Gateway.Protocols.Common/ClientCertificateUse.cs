namespace Gateway.Protocols.Common;

/// <summary>What a client certificate is presented for.</summary>
public enum ClientCertificateUse
{
    /// <summary>A new enrollment: a manufacturer certificate, or a gateway certificate of this profile or one it accepts.</summary>
    Enrollment,

    /// <summary>A renewal of the presented certificate: only a gateway certificate of this very profile.</summary>
    Renewal,
}
