using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;
using Orleans;
using Orleans.Configuration;
using Orleans.Runtime;

namespace Gateway.Cluster;

/// <summary>
/// Orleans cluster membership kept in the gateway's PostgreSQL (<see cref="ClusterDatabase"/>), implementing the
/// <see cref="IMembershipTable"/> contract: inserts and updates change a silo row and the table version atomically, and fail
/// (return false, no side effect) when the caller's table version etag, or for updates the row etag, is stale.
/// </summary>
/// <remarks>
/// Every write first updates the version row <c>WHERE etag = expected</c> inside a transaction: that row lock serialises all
/// writers of a cluster, and a writer that lost the race finds zero rows and rolls back. Reads take the version and the rows in
/// one statement, so they are one snapshot. Row etags change only on <see cref="UpdateRowAsync"/>; <see cref="UpdateIAmAliveAsync"/>
/// writes the heartbeat column alone, so a heartbeat never invalidates a previously read row for an update.
/// </remarks>
public sealed partial class PostgresMembershipTable : IMembershipTable
{
    private const string Columns =
        "m.address, m.port, m.generation, m.silo_name, m.host_name, m.status, m.proxy_port, m.update_zone, m.fault_zone, " +
        "m.suspect_times, m.start_time, m.i_am_alive_time, m.row_etag";

    private readonly ClusterDatabase _database;
    private readonly string _clusterId;
    private readonly ILogger<PostgresMembershipTable> _logger;

    public PostgresMembershipTable(ClusterDatabase database, IOptions<ClusterOptions> clusterOptions, ILogger<PostgresMembershipTable> logger)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(clusterOptions);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _clusterId = clusterOptions.Value.ClusterId;
        _logger = logger;
        if (string.IsNullOrWhiteSpace(_clusterId))
        {
            throw new ArgumentException("ClusterOptions.ClusterId must be set.", nameof(clusterOptions));
        }
    }

    // ------------------------------------------------------------------ the tokenless contract (delegates)

    public Task InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    public Task DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    public Task CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    public Task<MembershipTableData> ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    public Task<MembershipTableData> ReadAll() => ReadAllAsync(CancellationToken.None);

    public Task<bool> InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    public Task<bool> UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) =>
        UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    public Task UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    // ------------------------------------------------------------------ implementation

    public async Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken = default)
    {
        await _database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);
        if (!tryInitTableVersion)
        {
            return;
        }

        await using var command = _database.DataSource.CreateCommand(
            $"INSERT INTO {ClusterDatabase.Schema}.membership_version (cluster_id, version, etag) VALUES ($1, 0, 0) ON CONFLICT (cluster_id) DO NOTHING");
        command.Parameters.AddWithValue(_clusterId);
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
        {
            LogCreatedVersionRow(_clusterId);
        }
    }

    public async Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken = default)
    {
        await using var command = _database.DataSource.CreateCommand(
            $"SELECT v.version, v.etag, {Columns} FROM {ClusterDatabase.Schema}.membership_version v " +
            $"LEFT JOIN {ClusterDatabase.Schema}.membership m ON m.cluster_id = v.cluster_id WHERE v.cluster_id = $1");
        command.Parameters.AddWithValue(_clusterId);
        return await ReadTableAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var command = _database.DataSource.CreateCommand(
            $"SELECT v.version, v.etag, {Columns} FROM {ClusterDatabase.Schema}.membership_version v " +
            $"LEFT JOIN {ClusterDatabase.Schema}.membership m ON m.cluster_id = v.cluster_id AND m.address = $2 AND m.port = $3 AND m.generation = $4 " +
            "WHERE v.cluster_id = $1");
        command.Parameters.AddWithValue(_clusterId);
        AddKey(command, key);
        return await ReadTableAsync(command, cancellationToken).ConfigureAwait(false);
    }

    public async Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (!TryParseEtag(tableVersion.VersionEtag, out var expectedTableEtag))
        {
            return false;
        }

        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await AdvanceVersionAsync(connection, transaction, tableVersion.Version, expectedTableEtag, cancellationToken).ConfigureAwait(false))
        {
            LogStaleTableVersion(nameof(InsertRowAsync), entry.SiloAddress, tableVersion.VersionEtag);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await using var insert = new NpgsqlCommand(
            $"INSERT INTO {ClusterDatabase.Schema}.membership (cluster_id, address, port, generation, silo_name, host_name, status, proxy_port, " +
            "update_zone, fault_zone, suspect_times, last_suspect_time, start_time, i_am_alive_time, row_etag) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 0) ON CONFLICT DO NOTHING",
            connection, transaction);
        insert.Parameters.AddWithValue(_clusterId);
        AddKey(insert, entry.SiloAddress);
        AddFields(insert, entry);
        if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            LogRowExists(entry.SiloAddress);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        if (!TryParseEtag(tableVersion.VersionEtag, out var expectedTableEtag) || !TryParseEtag(etag, out var expectedRowEtag))
        {
            return false;
        }

        await using var connection = await _database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        if (!await AdvanceVersionAsync(connection, transaction, tableVersion.Version, expectedTableEtag, cancellationToken).ConfigureAwait(false))
        {
            LogStaleTableVersion(nameof(UpdateRowAsync), entry.SiloAddress, tableVersion.VersionEtag);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await using var update = new NpgsqlCommand(
            $"UPDATE {ClusterDatabase.Schema}.membership SET silo_name = $5, host_name = $6, status = $7, proxy_port = $8, update_zone = $9, " +
            "fault_zone = $10, suspect_times = $11, last_suspect_time = $12, start_time = $13, i_am_alive_time = $14, row_etag = row_etag + 1 " +
            "WHERE cluster_id = $1 AND address = $2 AND port = $3 AND generation = $4 AND row_etag = $15",
            connection, transaction);
        update.Parameters.AddWithValue(_clusterId);
        AddKey(update, entry.SiloAddress);
        AddFields(update, entry);
        update.Parameters.AddWithValue(expectedRowEtag);
        if (await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) != 1)
        {
            LogStaleRow(entry.SiloAddress, etag);
            await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
            return false;
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        await using var command = _database.DataSource.CreateCommand(
            $"UPDATE {ClusterDatabase.Schema}.membership SET i_am_alive_time = $5 " +
            "WHERE cluster_id = $1 AND address = $2 AND port = $3 AND generation = $4");
        command.Parameters.AddWithValue(_clusterId);
        AddKey(command, entry.SiloAddress);
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(entry.IAmAliveTime), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        if (await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
        {
            LogHeartbeatWithoutRow(entry.SiloAddress);
        }
    }

    public async Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        await using var command = _database.DataSource.CreateCommand(
            $"DELETE FROM {ClusterDatabase.Schema}.membership_version WHERE cluster_id = $1"); // rows go with it (ON DELETE CASCADE)
        command.Parameters.AddWithValue(clusterId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    public async Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken = default)
    {
        // Dead entries whose latest sign of life (start, heartbeat, or suspicion vote) precedes the cut-off.
        await using var command = _database.DataSource.CreateCommand(
            $"DELETE FROM {ClusterDatabase.Schema}.membership WHERE cluster_id = $1 AND status = $2 " +
            "AND GREATEST(start_time, i_am_alive_time, COALESCE(last_suspect_time, '-infinity'::timestamptz)) < $3");
        command.Parameters.AddWithValue(_clusterId);
        command.Parameters.AddWithValue((int)SiloStatus.Dead);
        command.Parameters.Add(new NpgsqlParameter { Value = beforeDate.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        var deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            LogCleanedUp(deleted, beforeDate);
        }
    }

    // ------------------------------------------------------------------ helpers

    private async Task<bool> AdvanceVersionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, int newVersion, long expectedEtag, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"UPDATE {ClusterDatabase.Schema}.membership_version SET version = $2, etag = etag + 1, updated_at = now() WHERE cluster_id = $1 AND etag = $3",
            connection, transaction);
        command.Parameters.AddWithValue(_clusterId);
        command.Parameters.AddWithValue(newVersion);
        command.Parameters.AddWithValue(expectedEtag);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1;
    }

    private static async Task<MembershipTableData> ReadTableAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        TableVersion? version = null;
        var rows = new List<Tuple<MembershipEntry, string>>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            version ??= new TableVersion(reader.GetInt32(0), reader.GetInt64(1).ToString(CultureInfo.InvariantCulture));
            if (reader.IsDBNull(2))
            {
                continue; // the version row alone (LEFT JOIN found no silo)
            }

            var entry = new MembershipEntry
            {
                SiloAddress = SiloAddress.New(IPAddress.Parse(reader.GetString(2)), reader.GetInt32(3), reader.GetInt32(4)),
                SiloName = reader.GetString(5),
                HostName = reader.GetString(6),
                Status = (SiloStatus)reader.GetInt32(7),
                ProxyPort = reader.GetInt32(8),
                UpdateZone = reader.GetInt32(9),
                FaultZone = reader.GetInt32(10),
                SuspectTimes = reader.IsDBNull(11) ? [] : SuspectTimes.Parse(reader.GetString(11)),
                StartTime = reader.GetFieldValue<DateTime>(12),
                IAmAliveTime = reader.GetFieldValue<DateTime>(13),
            };
            rows.Add(Tuple.Create(entry, reader.GetInt64(14).ToString(CultureInfo.InvariantCulture)));
        }

        // No version row: the table was never initialised for this cluster (or was deleted). Version 0 with an etag no
        // write can match keeps every insert failing until InitializeMembershipTable(true) has run.
        return new MembershipTableData(rows, version ?? new TableVersion(0, "uninitialised"));
    }

    private static void AddKey(NpgsqlCommand command, SiloAddress silo)
    {
        command.Parameters.AddWithValue(silo.Endpoint.Address.ToString());
        command.Parameters.AddWithValue(silo.Endpoint.Port);
        command.Parameters.AddWithValue(silo.Generation);
    }

    /// <summary>Parameters $5..$14 in the order of the INSERT/UPDATE statements.</summary>
    private static void AddFields(NpgsqlCommand command, MembershipEntry entry)
    {
        command.Parameters.AddWithValue(entry.SiloName ?? "");
        command.Parameters.AddWithValue(entry.HostName ?? "");
        command.Parameters.AddWithValue((int)entry.Status);
        command.Parameters.AddWithValue(entry.ProxyPort);
        command.Parameters.AddWithValue(entry.UpdateZone);
        command.Parameters.AddWithValue(entry.FaultZone);
        var suspects = entry.SuspectTimes;
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = suspects is { Count: > 0 } ? SuspectTimes.Format(suspects) : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.Text,
        });
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = suspects is { Count: > 0 } ? Utc(suspects.Max(s => Utc(s.Item2))) : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
        });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(entry.StartTime), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = Utc(entry.IAmAliveTime), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private static bool TryParseEtag(string? etag, out long value) =>
        long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out value);

    /// <summary>Orleans stamps times with UTC clocks; a Local or Unspecified kind is normalised so PostgreSQL stores the instant.</summary>
    internal static DateTime Utc(DateTime value) => value.Kind switch
    {
        DateTimeKind.Utc => value,
        DateTimeKind.Local => value.ToUniversalTime(),
        _ => DateTime.SpecifyKind(value, DateTimeKind.Utc),
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "Created the membership version row of Orleans cluster '{ClusterId}' in PostgreSQL")]
    private partial void LogCreatedVersionRow(string clusterId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Operation} for {Silo}: the table version etag {Etag} is stale")]
    private partial void LogStaleTableVersion(string operation, SiloAddress silo, string etag);

    [LoggerMessage(Level = LogLevel.Debug, Message = "InsertRow for {Silo}: the silo already has a row")]
    private partial void LogRowExists(SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Debug, Message = "UpdateRow for {Silo}: the row etag {Etag} is stale or the row is gone")]
    private partial void LogStaleRow(SiloAddress silo, string etag);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat of {Silo} found no membership row to update")]
    private partial void LogHeartbeatWithoutRow(SiloAddress silo);

    [LoggerMessage(Level = LogLevel.Information, Message = "Removed {Count} defunct silo entries last seen before {Before:u}")]
    private partial void LogCleanedUp(int count, DateTimeOffset before);

    /// <summary>The text form of <see cref="MembershipEntry.SuspectTimes"/>: <c>silo=time</c> pairs joined by <c>|</c>.</summary>
    internal static class SuspectTimes
    {
        public static string Format(IEnumerable<Tuple<SiloAddress, DateTime>> suspects)
        {
            var sb = new StringBuilder();
            foreach (var (silo, time) in suspects)
            {
                if (sb.Length > 0)
                {
                    sb.Append('|');
                }

                sb.Append(silo.ToParsableString()).Append('=').Append(Utc(time).ToString("O", CultureInfo.InvariantCulture));
            }

            return sb.ToString();
        }

        public static List<Tuple<SiloAddress, DateTime>> Parse(string text)
        {
            var result = new List<Tuple<SiloAddress, DateTime>>();
            foreach (var pair in text.Split('|', StringSplitOptions.RemoveEmptyEntries))
            {
                var separator = pair.LastIndexOf('=');
                if (separator <= 0)
                {
                    throw new FormatException($"Malformed suspect entry '{pair}' in the membership table.");
                }

                SiloAddress silo;
                try
                {
                    silo = SiloAddress.FromParsableString(pair[..separator]);
                }
                catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException or OverflowException)
                {
                    throw new FormatException($"Malformed silo address in suspect entry '{pair}' in the membership table.", e);
                }

                var time = DateTime.ParseExact(pair[(separator + 1)..], "O", CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind);
                result.Add(Tuple.Create(silo, Utc(time)));
            }

            return result;
        }
    }
}
