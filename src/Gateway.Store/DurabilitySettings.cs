using Npgsql;

namespace Gateway.Store;

/// <summary>
/// The effective settings of the PostgreSQL the gateway writes to that decide whether a committed certificate survives
/// a crash: <c>fsync</c>, <c>full_page_writes</c>, <c>synchronous_commit</c>, and replicas that acknowledge nothing
/// (asynchronous standbys: a failover to one loses commits already answered). Read as the gateway's own session sees
/// them, so a setting made per database, per role or in the connection string counts.
/// </summary>
public sealed record DurabilitySettings(string Fsync, string FullPageWrites, string SynchronousCommit, string SynchronousStandbyNames, int AsynchronousStandbys)
{
    /// <summary>The option that lets a gateway start on unsafe settings anyway (with a warning at every start).</summary>
    public const string AllowUnsafeOption = GatewayStoreOptions.Section + ":AllowUnsafeDurability";

    /// <summary>What makes these settings unsafe, one sentence per setting; empty when they are safe.</summary>
    public IReadOnlyList<string> Problems
    {
        get
        {
            var problems = new List<string>();
            if (Fsync != "on") problems.Add($"fsync is {Fsync}: a crash of the database host can lose or corrupt committed certificates");
            if (FullPageWrites != "on") problems.Add($"full_page_writes is {FullPageWrites}: a crash mid-write can corrupt pages holding committed certificates");
            if (SynchronousCommit == "off") problems.Add("synchronous_commit is off: a database crash loses the last commits, certificates already handed out included");
            if (AsynchronousStandbys > 0 && (SynchronousStandbyNames.Length == 0 || SynchronousCommit is "local"))
            {
                problems.Add($"{AsynchronousStandbys} standby(s) replicate asynchronously (synchronous_standby_names '{SynchronousStandbyNames}', synchronous_commit {SynchronousCommit}): a failover loses commits already answered");
            }
            return problems;
        }
    }

    public override string ToString() =>
        $"fsync={Fsync}, full_page_writes={FullPageWrites}, synchronous_commit={SynchronousCommit}, synchronous_standby_names='{SynchronousStandbyNames}', asynchronous standbys={AsynchronousStandbys}";

    public static async Task<DurabilitySettings> ReadAsync(string connectionString, CancellationToken cancellationToken = default)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            """
            select current_setting('fsync'), current_setting('full_page_writes'), current_setting('synchronous_commit'),
                   current_setting('synchronous_standby_names'),
                   (select count(*) from pg_stat_replication where coalesce(sync_state, 'async') not in ('sync', 'quorum'))::int
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        return new DurabilitySettings(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt32(4));
    }
}
