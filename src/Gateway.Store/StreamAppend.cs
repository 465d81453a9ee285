namespace Gateway.Store;

/// <summary>
/// Events to add to one stream. <see cref="StartNew"/> makes the append fail with <see cref="StreamCollisionException"/> when the stream exists.
/// <see cref="ExpectedVersion"/>, when given, is the stream's version after this append (optimistic concurrency): the
/// unit fails if another writer appended first.
/// </summary>
public sealed record StreamAppend(string StreamId, bool StartNew, IReadOnlyList<object> Events, long? ExpectedVersion = null);
