namespace Gateway.Contracts.Credentials;

[GenerateSerializer, Alias("Gateway.CredentialStatus")]
public enum CredentialStatus
{
    Active = 0,
    Revoked = 1,
    Expired = 2,
    /// <summary>All of <see cref="CredentialInfo.MaxUses"/> are used.</summary>
    Exhausted = 3,
}
