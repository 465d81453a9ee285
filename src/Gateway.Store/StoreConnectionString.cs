using Npgsql;

namespace Gateway.Store;

/// <summary>
/// The connection string the event store uses: the configured one, plus Npgsql's automatic statement preparation
/// unless the string sets it. Marten sends the same few statements for every enrollment (the quick-append function
/// call per stream, the projection upserts); unprepared, PostgreSQL parses, analyses and plans each of them on every
/// commit, which the profile showed to be about a third of the database's CPU on the enrollment path. And no reset of a
/// connection returned to the pool (see <see cref="WithDefaults"/>).
/// </summary>
public static class StoreConnectionString
{
    /// <summary>Statements kept prepared per physical connection when the connection string does not say.</summary>
    public const int DefaultMaxAutoPrepare = 64;

    /// <summary>Uses of a statement on one connection before it is prepared, when the connection string does not say.</summary>
    public const int DefaultAutoPrepareMinUsages = 2;

    public static string WithDefaults(string connectionString)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        // Which keys the text sets (Npgsql's builder reports every known key as present), spaces and case ignored.
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString }.Keys
            .Cast<string>().Select(k => k.Replace(" ", "", StringComparison.Ordinal)).ToHashSet(StringComparer.OrdinalIgnoreCase);
        if (!given.Contains("MaxAutoPrepare")) builder.MaxAutoPrepare = DefaultMaxAutoPrepare;
        if (!given.Contains("AutoPrepareMinUsages")) builder.AutoPrepareMinUsages = DefaultAutoPrepareMinUsages;
        // The event store's connections hold no session state (no LISTEN, no session advisory lock, no SET: the
        // revocation feed listens on a connection of its own pool, and Marten's locks are transaction-scoped), so the
        // reset Npgsql sends when a pooled connection is returned (SET SESSION AUTHORIZATION DEFAULT; RESET ALL;
        // CLOSE ALL; UNLISTEN *; pg_advisory_unlock_all(); DISCARD SEQUENCES; DISCARD TEMP), about two per
        // enrollment, is a round trip that resets nothing.
        if (!given.Contains("NoResetOnClose")) builder.NoResetOnClose = true;
        return builder.ConnectionString;
    }
}
