namespace Gateway.Store;

/// <summary>An append with <see cref="StreamAppend.ExpectedVersion"/> found the stream moved on: another writer appended first.</summary>
public sealed class StreamVersionConflictException(string streamId, Exception? inner = null)
    : Exception($"Stream '{streamId}' was changed by another writer.", inner)
{
    public string StreamId { get; } = streamId;
}
