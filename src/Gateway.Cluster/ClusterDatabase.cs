using Npgsql;

namespace Gateway.Cluster;

/// <summary>
/// The cluster's tables in the gateway's PostgreSQL database (schema <c>gateway_cluster</c>), created on first use.
/// </summary>
/// <remarks>
/// <para><c>membership_version</c>: one row per Orleans cluster id, the table version and its etag (a counter bumped by every
/// membership write). <c>membership</c>: one row per silo incarnation, keyed by (cluster id, address, port, generation), with a
/// row etag bumped by <c>UpdateRow</c> only (heartbeats leave it alone, as the Orleans contract asks).
/// <c>shared_material</c>: fingerprints of what every node must share (the CA), registered by the first node.</para>
/// <para>Creation is idempotent and serialised across processes with a transaction-scoped advisory lock, so nodes starting at
/// the same moment do not race on <c>CREATE SCHEMA</c>.</para>
/// </remarks>
public sealed class ClusterDatabase : IAsyncDisposable
{
    public const string Schema = "gateway_cluster";

    /// <summary>Arbitrary constant key of the advisory lock that serialises schema creation ("gwclustr").</summary>
    private const long SchemaLockKey = 0x6777636c75737472;

    private const string CreateSchemaSql = $"""
        CREATE SCHEMA IF NOT EXISTS {Schema};
        CREATE TABLE IF NOT EXISTS {Schema}.membership_version (
            cluster_id  text        NOT NULL PRIMARY KEY,
            version     integer     NOT NULL,
            etag        bigint      NOT NULL,
            updated_at  timestamptz NOT NULL DEFAULT now()
        );
        CREATE TABLE IF NOT EXISTS {Schema}.membership (
            cluster_id        text        NOT NULL REFERENCES {Schema}.membership_version (cluster_id) ON DELETE CASCADE,
            address           text        NOT NULL,
            port              integer     NOT NULL,
            generation        integer     NOT NULL,
            silo_name         text        NOT NULL,
            host_name         text        NOT NULL,
            status            integer     NOT NULL,
            proxy_port        integer     NOT NULL,
            update_zone       integer     NOT NULL,
            fault_zone        integer     NOT NULL,
            suspect_times     text        NULL,
            last_suspect_time timestamptz NULL,
            start_time        timestamptz NOT NULL,
            i_am_alive_time   timestamptz NOT NULL,
            row_etag          bigint      NOT NULL,
            PRIMARY KEY (cluster_id, address, port, generation)
        );
        CREATE TABLE IF NOT EXISTS {Schema}.shared_material (
            cluster_id    text        NOT NULL,
            name          text        NOT NULL,
            fingerprint   text        NOT NULL,
            description   text        NOT NULL,
            valid_until   timestamptz NULL,
            registered_by text        NOT NULL,
            registered_at timestamptz NOT NULL,
            PRIMARY KEY (cluster_id, name)
        );
        """;

    private readonly SemaphoreSlim _schemaLock = new(1, 1);
    private volatile bool _schemaReady;

    public ClusterDatabase(string connectionString)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            // Membership writes are rare and small; keep this pool away from the event store's.
            ApplicationName = "gateway-cluster",
        };
        if (builder.MaxPoolSize > 10)
        {
            builder.MaxPoolSize = 10;
        }

        DataSource = NpgsqlDataSource.Create(builder.ConnectionString);
    }

    public NpgsqlDataSource DataSource { get; }

    /// <summary>Creates the schema and tables if missing (once per process; safe against concurrent nodes).</summary>
    public async Task EnsureSchemaAsync(CancellationToken cancellationToken = default)
    {
        if (_schemaReady)
        {
            return;
        }

        await _schemaLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }

            await using var connection = await DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await using (var lockCommand = new NpgsqlCommand("SELECT pg_advisory_xact_lock($1)", connection, transaction))
            {
                lockCommand.Parameters.AddWithValue(SchemaLockKey);
                await lockCommand.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await using (var create = new NpgsqlCommand(CreateSchemaSql, connection, transaction))
            {
                await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync().ConfigureAwait(false);
        _schemaLock.Dispose();
    }
}
