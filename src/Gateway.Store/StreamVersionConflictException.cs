namespace Gateway.Store;

/// <summary>
/// An append with <see cref="StreamAppend.ExpectedVersion"/> found the stream at another version: someone else
/// appended since the caller read it. Nothing of the unit was written.
/// </summary>
public sealed class StreamVersionConflictException(string streamId, Exception? inner = null)
    : Exception($"Stream '{streamId}' changed since it was read.", inner)
{
    public string StreamId { get; } = streamId;
}
