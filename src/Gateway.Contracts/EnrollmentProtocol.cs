namespace Gateway.Contracts;

/// <summary>The front-end a request arrived through.</summary>
[GenerateSerializer, Alias("Gateway.EnrollmentProtocol")]
public enum EnrollmentProtocol
{
    Admin = 0,
    Acme = 1,
    Scep = 2,
    Est = 3,
    Cmp = 4,

    /// <summary>Not a front-end: certificates the gateway's CA signs for the gateway itself (HTTPS server, silos, OCSP responders, protocol identities).</summary>
    Gateway = 5,
}
