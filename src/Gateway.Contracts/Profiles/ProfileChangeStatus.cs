namespace Gateway.Contracts.Profiles;

[GenerateSerializer, Alias("Gateway.ProfileChangeStatus")]
public enum ProfileChangeStatus
{
    Created = 0,
    Updated = 1,
    /// <summary>The document equals the current one: no new version.</summary>
    Unchanged = 2,
    /// <summary>The document has errors (see <see cref="ProfileChangeResult.Errors"/>); nothing changed.</summary>
    Invalid = 3,
    /// <summary>No such profile.</summary>
    NotFound = 4,
    /// <summary>Rollback to a version the profile never had.</summary>
    VersionNotFound = 5,
    /// <summary>Concurrent changes kept colliding; nothing changed, try again.</summary>
    Conflict = 6,
}
