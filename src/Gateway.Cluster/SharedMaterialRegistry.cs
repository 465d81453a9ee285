using Npgsql;
using NpgsqlTypes;

namespace Gateway.Cluster;

/// <summary>
/// Makes two nodes with different CAs (or other must-be-shared material) impossible to run in one cluster unnoticed: the
/// first node registers fingerprints in PostgreSQL, every later node compares its own with them at start.
/// </summary>
public sealed class SharedMaterialRegistry(ClusterDatabase database)
{
    /// <summary>
    /// Registers <paramref name="material"/> for <paramref name="clusterId"/> if nothing is registered under its name, else
    /// compares. Registered material whose <see cref="SharedMaterial.ValidUntil"/> has passed (at <paramref name="now"/>) is
    /// replaced, so an expired issuing CA can be rotated; anything else that differs is a <see cref="SharedMaterialOutcome.Conflict"/>,
    /// unless <paramref name="replace"/> says the operator is moving the whole cluster to new material on purpose.
    /// </summary>
    public async Task<SharedMaterialCheck> RegisterOrCompareAsync(
        string clusterId, SharedMaterial material, string node, DateTimeOffset now, bool replace = false, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(clusterId);
        ArgumentNullException.ThrowIfNull(material);
        ArgumentException.ThrowIfNullOrWhiteSpace(node);
        await database.EnsureSchemaAsync(cancellationToken).ConfigureAwait(false);

        await using var connection = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        await using (var insert = new NpgsqlCommand(
            $"INSERT INTO {ClusterDatabase.Schema}.shared_material (cluster_id, name, fingerprint, description, valid_until, registered_by, registered_at) " +
            "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (cluster_id, name) DO NOTHING",
            connection, transaction))
        {
            AddRow(insert, clusterId, material, node, now);
            if (await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 1)
            {
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return new SharedMaterialCheck(SharedMaterialOutcome.Registered, material, null, null, null);
            }
        }

        SharedMaterial registered;
        string registeredBy;
        DateTimeOffset registeredAt;
        await using (var select = new NpgsqlCommand(
            $"SELECT fingerprint, description, valid_until, registered_by, registered_at FROM {ClusterDatabase.Schema}.shared_material " +
            "WHERE cluster_id = $1 AND name = $2 FOR UPDATE",
            connection, transaction))
        {
            select.Parameters.AddWithValue(clusterId);
            select.Parameters.AddWithValue(material.Name);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw new InvalidOperationException($"The shared material '{material.Name}' of cluster '{clusterId}' vanished while it was compared.");
            }

            registered = new SharedMaterial(
                material.Name, reader.GetString(0), reader.GetString(1),
                reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetFieldValue<DateTime>(2), TimeSpan.Zero));
            registeredBy = reader.GetString(3);
            registeredAt = new DateTimeOffset(reader.GetFieldValue<DateTime>(4), TimeSpan.Zero);
        }

        if (string.Equals(registered.Fingerprint, material.Fingerprint, StringComparison.OrdinalIgnoreCase))
        {
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new SharedMaterialCheck(SharedMaterialOutcome.Matched, material, registered, registeredBy, registeredAt);
        }

        var expired = registered.ValidUntil is { } until && until <= now && (material.ValidUntil is null || material.ValidUntil > now);
        if (expired || replace)
        {
            await using var update = new NpgsqlCommand(
                $"UPDATE {ClusterDatabase.Schema}.shared_material SET fingerprint = $3, description = $4, valid_until = $5, registered_by = $6, " +
                "registered_at = $7 WHERE cluster_id = $1 AND name = $2",
                connection, transaction);
            AddRow(update, clusterId, material, node, now);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new SharedMaterialCheck(SharedMaterialOutcome.Replaced, material, registered, registeredBy, registeredAt);
        }

        await transaction.RollbackAsync(cancellationToken).ConfigureAwait(false);
        return new SharedMaterialCheck(SharedMaterialOutcome.Conflict, material, registered, registeredBy, registeredAt);
    }

    private static void AddRow(NpgsqlCommand command, string clusterId, SharedMaterial material, string node, DateTimeOffset now)
    {
        command.Parameters.AddWithValue(clusterId);
        command.Parameters.AddWithValue(material.Name);
        command.Parameters.AddWithValue(material.Fingerprint);
        command.Parameters.AddWithValue(material.Description);
        command.Parameters.Add(new NpgsqlParameter
        {
            Value = material.ValidUntil is { } v ? v.ToUniversalTime() : DBNull.Value,
            NpgsqlDbType = NpgsqlDbType.TimestampTz,
        });
        command.Parameters.AddWithValue(node);
        command.Parameters.Add(new NpgsqlParameter { Value = now.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }
}
