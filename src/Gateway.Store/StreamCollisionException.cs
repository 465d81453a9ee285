namespace Gateway.Store;

/// <summary>A stream that had to be new already exists (a serial or enrollment id used twice).</summary>
public sealed class StreamCollisionException(string streamId, Exception? inner = null)
    : Exception($"Stream '{streamId}' already exists.", inner)
{
    public string StreamId { get; } = streamId;
}
