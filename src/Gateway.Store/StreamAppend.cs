namespace Gateway.Store;

/// <summary>
/// Events to add to one stream. <see cref="StartNew"/> makes the append fail with <see cref="StreamCollisionException"/>
/// when the stream exists. <see cref="ExpectedVersion"/>, when given, is the stream's version the caller last saw: the
/// append fails with <see cref="StreamVersionConflictException"/> if another writer appended since.
/// </summary>
public sealed record StreamAppend(string StreamId, bool StartNew, IReadOnlyList<object> Events, long? ExpectedVersion = null);
