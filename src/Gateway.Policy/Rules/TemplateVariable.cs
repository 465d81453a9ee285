namespace Gateway.Policy.Rules;

/// <summary>Placeholders a subject template may use.</summary>
internal enum TemplateVariable
{
    None = 0,
    /// <summary><c>{cn}</c>: the requested subject's common name.</summary>
    CommonName,
    /// <summary><c>{principal}</c>: the requester's principal (credential id, account, client certificate subject...).</summary>
    Principal,
    /// <summary><c>{dns}</c>: the first DNS subjectAltName after filtering.</summary>
    Dns,
    /// <summary><c>{clientCert.cn}</c>: the CN of the TLS client certificate the requester authenticated with.</summary>
    ClientCertCommonName,
    /// <summary><c>{clientCert.serialNumber}</c>: the subject serialNumber attribute of that certificate.</summary>
    ClientCertSerialNumber,
    /// <summary><c>{credential.subject}</c>: the subject the requester's credential binds (when it binds one).</summary>
    CredentialSubject,
}
