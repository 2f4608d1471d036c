using Npgsql;

namespace CaseLedger.Audit;

/// <summary>
/// The secondary indexes of the tables a full rebuild empties and fills again, dropped before the load and
/// made again after it, inside the rebuild's transaction: PostgreSQL builds an index over a loaded table far
/// faster than it keeps it up to date row by row (the audit trail's eight indexes, kept up row by row, cost
/// the rebuild more than reading every event). Primary keys and the indexes behind constraints stay.
/// </summary>
/// <remarks>
/// The drop takes each table's ACCESS EXCLUSIVE lock until the transaction ends, so every read of those
/// tables waits for the rebuild's commit instead of seeing them without an index (or half filled); if the
/// rebuild fails or is stopped, the transaction rolls back and the indexes, like the rows, are as they were.
/// </remarks>
internal sealed record RebuildIndexes(IReadOnlyList<(string Name, string Definition)> Indexes)
{
    /// <summary>
    /// Reads the tables' secondary indexes (their definitions as <c>pg_indexes</c> gives them) and drops them,
    /// on the rebuild's connection, inside its transaction, after locking every table.
    /// </summary>
    public static async Task<RebuildIndexes> DropAsync(NpgsqlConnection connection, IReadOnlyList<string> tables, CancellationToken ct)
    {
        await using (var lockTables = new NpgsqlCommand($"lock table {string.Join(", ", tables)} in access exclusive mode", connection))
        {
            await lockTables.ExecuteNonQueryAsync(ct);
        }

        var indexes = new List<(string, string)>();
        await using (var command = new NpgsqlCommand(
                         """
                         select quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_indexdef(x.indexrelid)
                         from pg_index x
                         join pg_class c on c.oid = x.indexrelid
                         join pg_namespace n on n.oid = c.relnamespace
                         where x.indrelid = any(cast(@tables as regclass[]))
                           and not x.indisprimary
                           and not exists (select 1 from pg_constraint k where k.conindid = x.indexrelid)
                         order by 1
                         """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter("tables", tables.ToArray()));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                indexes.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        foreach (var (name, _) in indexes)
        {
            await using var drop = new NpgsqlCommand($"drop index {name}", connection);
            await drop.ExecuteNonQueryAsync(ct);
        }

        return new RebuildIndexes(indexes);
    }

    /// <summary>Makes the dropped indexes again, as they were defined, with memory enough to sort each in one go.</summary>
    public async Task CreateAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using (var memory = new NpgsqlCommand("set local maintenance_work_mem = '256MB'", connection))
        {
            await memory.ExecuteNonQueryAsync(ct);
        }

        foreach (var (_, definition) in Indexes)
        {
            await using var create = new NpgsqlCommand(definition, connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }
}
