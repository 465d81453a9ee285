using Npgsql;

namespace Gateway.Store;

/// <summary>
/// Tells a failure of the database itself (unreachable, connection lost — mid-commit included —, shut down, out of
/// resources, a serialization failure) from a request the database refused. After such a failure the outcome of a
/// commit is unknown: read the stream before answering, and answer "unavailable, retry" rather than a 500.
/// </summary>
public static class StoreFailure
{
    public static bool IsTransient(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // 08: connection exception, 53: insufficient resources, 57: operator intervention (pg_terminate_backend,
                    // shutdown), 40001/40P01: serialization failure, deadlock. Anything else is a refusal, not an outage.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || postgres.SqlState.StartsWith("53", StringComparison.Ordinal)
                        || postgres.SqlState.StartsWith("57", StringComparison.Ordinal) || postgres.SqlState is "40001" or "40P01";
                case NpgsqlException or System.Net.Sockets.SocketException or TimeoutException or EndOfStreamException:
                    return true;
            }
        }
        return false;
    }

    /// <summary>
    /// Whether <paramref name="exception"/> (or one it wraps) is PostgreSQL refusing a row for a unique index or constraint
    /// whose name ends with <paramref name="constraintSuffix"/> (schema-independent: the names carry the table's).
    /// </summary>
    public static bool IsUniqueViolation(Exception exception, string constraintSuffix)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } unique
                && unique.ConstraintName is { } constraint && constraint.EndsWith(constraintSuffix, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }
}
