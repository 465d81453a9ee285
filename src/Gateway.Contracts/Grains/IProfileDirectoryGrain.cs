namespace Gateway.Contracts.Grains;

/// <summary>Read-only profile facts for protocol front-ends (a stateless worker, key 0; answers from memory).</summary>
[Alias("Gateway.IProfileDirectoryGrain")]
public interface IProfileDirectoryGrain : IGrainWithIntegerKey
{
    /// <summary>The profile, or null when there is none of that name.</summary>
    [Alias("GetProfileAsync")]
    Task<ProfileSummary?> GetProfileAsync(string name);

    /// <summary>
    /// For each name, why profile <paramref name="profile"/>'s SAN rules would not issue it, or null when they would
    /// (ACME refuses identifiers at newOrder, before validating anything); null when there is no such profile.
    /// </summary>
    [Alias("CheckNamesAsync")]
    Task<IReadOnlyList<string?>?> CheckNamesAsync(string profile, IReadOnlyList<SubjectAltName> names);
}
