namespace Gateway.Pkix;

/// <summary>The GeneralName choices the gateway tells apart (RFC 5280 §4.2.1.6); everything else is <see cref="Other"/>.</summary>
public enum SubjectAltNameKind
{
    Dns = 0,
    Ip = 1,
    Email = 2,
    Uri = 3,
    Other = 4,

    /// <summary>A Microsoft user principal name: otherName 1.3.6.1.4.1.311.20.2.3 with a UTF8String (Intune, Windows smart-card logon).</summary>
    Upn = 5,
}
