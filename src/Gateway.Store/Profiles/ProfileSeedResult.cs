namespace Gateway.Store;

/// <summary>
/// What seeding did, by profile name: created (not stored before), updated (last version came from a file and the file
/// changed), unchanged (same document), kept (changed through the API since; the file's different content was not applied).
/// </summary>
public sealed record ProfileSeedResult(
    IReadOnlyList<string> Created,
    IReadOnlyList<string> Updated,
    IReadOnlyList<string> Unchanged,
    IReadOnlyList<ProfileKept> Kept);

/// <summary>A profile whose file differs from its current version, which was made through the API (<see cref="Source"/>) and is kept.</summary>
public sealed record ProfileKept(string Name, int Version, string Source, string File);
