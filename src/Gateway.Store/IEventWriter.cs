namespace Gateway.Store;

/// <summary>
/// Appends events durably. Each call is one atomic unit (all its streams or none); the returned task completes only
/// after the unit is committed to PostgreSQL. Concurrent calls are grouped into shared commits.
/// </summary>
public interface IEventWriter
{
    Task AppendAsync(IReadOnlyList<StreamAppend> unit, CancellationToken cancellationToken = default);
}
