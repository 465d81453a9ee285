namespace Gateway.Grains.Enrollment;

/// <summary>The enrollment pipeline (section <c>Gateway:Enrollment</c>).</summary>
public sealed class EnrollmentOptions
{
    public const string Section = "Gateway:Enrollment";

    /// <summary>
    /// How long an issued certificate that needs the requester's confirmation (CMP certConf) waits for it before it is
    /// revoked. A client sends certConf right after it receives and checks the certificate, in the same transaction
    /// (RFC 9810 §5.3.18, RFC 9483 §4.1.1); the CA may announce how long it waits in <c>confirmWaitTime</c> (RFC 9810
    /// §5.1.1.2), and neither RFC sets a value. Ten minutes covers retransmissions, polling and slow devices while
    /// keeping the life of a certificate nobody accepted short.
    /// </summary>
    public TimeSpan ConfirmationWindow { get; set; } = TimeSpan.FromMinutes(10);
}
