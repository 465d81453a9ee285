using Gateway.Contracts.Credentials;

namespace Gateway.Contracts.Grains;

/// <summary>All enrollment credentials (a stateless worker; key 0): create, list, and find by secret alone.</summary>
[Alias("Gateway.ICredentialDirectoryGrain")]
public interface ICredentialDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>Creates a credential with a new id and secret; the secret is in the answer and nowhere else.</summary>
    [Alias("CreateAsync")]
    Task<CredentialCreateResult> CreateAsync(CredentialSpec spec, string actor);

    [Alias("ListAsync")]
    Task<CredentialPage> ListAsync(CredentialQuery query);

    /// <summary>
    /// The id of the credential a secret belongs to (SCEP's challengePassword is the secret alone), or null when the
    /// secret is malformed or names no credential. Does not check the secret: call <see cref="ICredentialGrain.VerifySecretAsync"/>.
    /// </summary>
    [Alias("FindBySecretAsync")]
    Task<string?> FindBySecretAsync(string secret);
}
