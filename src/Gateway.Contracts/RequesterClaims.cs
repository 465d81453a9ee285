namespace Gateway.Contracts;

/// <summary>
/// Names of the <see cref="Requester.Claims"/> front-ends and grains fill, and the profile template variables that read
/// them (<c>{clientCert.cn}</c>, <c>{clientCert.serialNumber}</c>, <c>{credential.subject}</c>).
/// </summary>
public static class RequesterClaims
{
    /// <summary>The last CN of the TLS client certificate's subject.</summary>
    public const string ClientCertificateCommonName = "clientCert.cn";

    /// <summary>The serialNumber attribute (2.5.4.5) of the TLS client certificate's subject, not the certificate's serial.</summary>
    public const string ClientCertificateSerialNumber = "clientCert.serialNumber";

    /// <summary>The subject a credential binds, when it binds exactly one.</summary>
    public const string CredentialSubject = "credential.subject";
}
