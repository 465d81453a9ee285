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
}
