using Npgsql;

namespace Gateway.Hosting.Postgres;

/// <summary>The role and database the gateway uses, the connection string, and file clean-up.</summary>
public sealed partial class EmbeddedPostgres
{
    private static async Task EnsureRoleAndDatabaseAsync(int port, string superuserPassword, string appPassword, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(BuildConnectionString(port, "postgres", Superuser, superuserPassword, pooling: false));
        await connection.OpenAsync(ct).ConfigureAwait(false);

        var role = QuoteIdentifier(AppRole);
        var roleExists = await ScalarExistsAsync(connection, "SELECT 1 FROM pg_roles WHERE rolname = $1", AppRole, ct).ConfigureAwait(false);
        var roleSql = roleExists
            ? $"ALTER ROLE {role} LOGIN PASSWORD {QuoteLiteral(appPassword)}"
            : $"CREATE ROLE {role} LOGIN PASSWORD {QuoteLiteral(appPassword)}";
        await ExecuteIgnoringDuplicatesAsync(connection, roleSql, ct).ConfigureAwait(false);

        if (!await ScalarExistsAsync(connection, "SELECT 1 FROM pg_database WHERE datname = $1", database, ct).ConfigureAwait(false))
        {
            await ExecuteIgnoringDuplicatesAsync(
                connection, $"CREATE DATABASE {QuoteIdentifier(database)} OWNER {role} ENCODING 'UTF8'", ct).ConfigureAwait(false);
        }
    }

    private static async Task<bool> ScalarExistsAsync(NpgsqlConnection connection, string sql, string parameter, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue(parameter);
        return await command.ExecuteScalarAsync(ct).ConfigureAwait(false) is not null;
    }

    private static async Task ExecuteIgnoringDuplicatesAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        try
        {
            await using var command = new NpgsqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation)
        {
            // another gateway process sharing the cluster created it a moment ago
        }
    }

    private static string QuoteIdentifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static string QuoteLiteral(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string BuildConnectionString(int port, string database, string user, string password, bool pooling) =>
        new NpgsqlConnectionStringBuilder
        {
            Host = "127.0.0.1",
            Port = port,
            Database = database,
            Username = user,
            Password = password,
            Pooling = pooling,
        }.ConnectionString;

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    private static void TryDeleteDirectoryContents(string dir, bool deleteDirectory)
    {
        try
        {
            if (deleteDirectory)
            {
                Directory.Delete(dir, recursive: true);
                return;
            }

            foreach (var entry in Directory.EnumerateFileSystemEntries(dir))
            {
                if (Directory.Exists(entry))
                {
                    Directory.Delete(entry, recursive: true);
                }
                else
                {
                    File.Delete(entry);
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
