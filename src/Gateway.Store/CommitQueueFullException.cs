namespace Gateway.Store;

/// <summary>
/// The group-commit queue holds <see cref="GatewayStoreOptions.CommitQueueLimit"/> units already: the unit was refused
/// at once and not queued (nothing of it is committed). Callers answer Unavailable (503 with Retry-After).
/// </summary>
public sealed class CommitQueueFullException(int limit)
    : Exception($"The commit queue is full ({limit} units waiting, Gateway:Store:CommitQueueLimit); try again later.")
{
    public int Limit { get; } = limit;
}
