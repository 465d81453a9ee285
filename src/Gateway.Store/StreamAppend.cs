namespace Gateway.Store;

/// <summary>Events to add to one stream. <see cref="StartNew"/> makes the append fail with <see cref="StreamCollisionException"/> when the stream exists.</summary>
public sealed record StreamAppend(string StreamId, bool StartNew, IReadOnlyList<object> Events);
