namespace Gateway.Store;

/// <summary>
/// Events to add to one stream. <see cref="StartNew"/> makes the append fail with <see cref="StreamCollisionException"/>
/// when the stream exists. <see cref="ExpectedVersion"/> (appends only) is the version the stream must have before
/// this append, else the unit fails with <see cref="StreamVersionConflictException"/>.
/// </summary>
public sealed record StreamAppend(string StreamId, bool StartNew, IReadOnlyList<object> Events, long? ExpectedVersion = null);
