namespace Gateway.Pkix;

/// <summary>The GeneralName choices the gateway tells apart (RFC 5280 §4.2.1.6); everything else is <see cref="Other"/>.</summary>
public enum SubjectAltNameKind
{
    Dns = 0,
    Ip = 1,
    Email = 2,
    Uri = 3,
    Other = 4,
}
