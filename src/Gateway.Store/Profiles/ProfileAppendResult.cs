using Gateway.Store.Records;

namespace Gateway.Store;

public enum ProfileAppendStatus
{
    /// <summary>A new version was committed; <see cref="ProfileAppendResult.Record"/> is the profile after it.</summary>
    Appended,
    /// <summary>The document equals the current one: nothing was written.</summary>
    Unchanged,
    /// <summary>The profile is no longer at the version the change was based on: nothing was written.</summary>
    Conflict,
}

/// <summary>The outcome of <see cref="ProfileStore.AppendAsync"/>.</summary>
public sealed record ProfileAppendResult(ProfileAppendStatus Status, ProfileRecord? Record);
