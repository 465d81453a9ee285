namespace Gateway.Contracts;

/// <summary>Names of the authentication methods a <see cref="Requester"/> can carry; policy profiles refer to these.</summary>
public static class AuthenticationMethods
{
    public const string ApiKey = "api-key";
    public const string HttpBasic = "http-basic";
    public const string ClientCertificate = "client-certificate";
    public const string ChallengePassword = "challenge-password";
    public const string SharedSecretMac = "mac";
    public const string Signature = "signature";
    public const string AcmeAccount = "acme-account";
    public const string ExternalAccountBinding = "eab";
    public const string None = "none";
}
