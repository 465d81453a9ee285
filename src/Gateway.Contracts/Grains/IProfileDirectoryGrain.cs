namespace Gateway.Contracts.Grains;

/// <summary>Read-only profile facts for protocol front-ends (a stateless worker, key 0; answers from memory).</summary>
[Alias("Gateway.IProfileDirectoryGrain")]
public interface IProfileDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>The profile, or null when there is none of that name.</summary>
    [Alias("GetProfileAsync")]
    Task<ProfileSummary?> GetProfileAsync(string name);
}
