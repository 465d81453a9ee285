namespace Gateway.Contracts.Credentials;

[GenerateSerializer, Alias("Gateway.CredentialCreateStatus")]
public enum CredentialCreateStatus
{
    Created = 0,
    /// <summary>The profile does not exist.</summary>
    UnknownProfile = 1,
    /// <summary>A value of the spec is out of range (see the message).</summary>
    Invalid = 2,
}
