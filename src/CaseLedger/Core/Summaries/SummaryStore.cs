using Marten;
using Npgsql;
using NpgsqlTypes;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace CaseLedger.Core.Summaries;

/// <summary>
/// Where summaries are kept: one table of cells, a count per district (the Marten tenant), summary,
/// period bucket, dimensions and counter. Its primary key is the index every reading uses (the
/// district, the summary, then a range of buckets), so a reading reads a few cells, never the
/// district's documents.
/// </summary>
public static class SummaryStore
{
    public const string TableName = "caseledger_summary_cells";

    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StoreOptions, CaseKinds> Kinds = new();

    /// <summary>Declares the cells' table, created and migrated with the store's other tables, and the kinds whose summaries the store keeps.</summary>
    internal static void Register(StoreOptions options, CaseKinds kinds)
    {
        Kinds.AddOrUpdate(options, kinds);
        var table = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, TableName, Weasel.Postgresql.SchemaUtils.IdentifierUsage.General));
        table.AddColumn<string>("tenant_id").AsPrimaryKey();
        table.AddColumn<string>("summary").AsPrimaryKey();
        table.AddColumn<string>("bucket").AsPrimaryKey();
        table.AddColumn<string>("dims").AsPrimaryKey();
        table.AddColumn<string>("counter").AsPrimaryKey();
        table.AddColumn<long>("n").NotNull();
        options.Storage.ExtendedSchemaObjects.Add(table);
    }

    private static string Table(IDocumentStore store) => $"{store.Options.DatabaseSchemaName}.{TableName}";

    /// <summary>
    /// Queues the change in the session's unit of work: one statement, run in the command's own
    /// transaction, that adds each count to its cell (creating it when new). Cells are written in key
    /// order, so two commands touching the same cells lock them in the same order.
    /// </summary>
    public static void Queue(IDocumentSession session, SummaryTally change)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(change);
        if (change.IsEmpty)
        {
            return;
        }

        var cells = change.Cells.ToList();
        var table = Table(session.DocumentStore);
        session.QueueSqlCommand(
            $"insert into {table} as c (tenant_id, summary, bucket, dims, counter, n) " +
            "select ?, u.s, u.b, u.d, u.c, u.n from unnest(?::varchar[], ?::varchar[], ?::varchar[], ?::varchar[], ?::bigint[]) as u(s, b, d, c, n) " +
            "order by u.s, u.b, u.d, u.c " +
            "on conflict (tenant_id, summary, bucket, dims, counter) do update set n = c.n + excluded.n",
            session.TenantId,
            cells.Select(c => c.Key.Summary).ToArray(), cells.Select(c => c.Key.Bucket).ToArray(), cells.Select(c => c.Key.Dimensions).ToArray(),
            cells.Select(c => c.Key.Counter).ToArray(), cells.Select(c => c.Value).ToArray());
    }

    /// <summary>
    /// The cells of one summary in the session's district with a count other than zero, in buckets from
    /// <paramref name="from"/> to <paramref name="to"/> (both included, compared as written; null: open):
    /// one indexed query.
    /// </summary>
    public static async Task<IReadOnlyList<SummaryCell>> ReadAsync(IQuerySession session, string summary, string? from, string? to, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        await using var command = new NpgsqlCommand(
            $"select bucket, dims, counter, n from {Table(session.DocumentStore)} where tenant_id = @t and summary = @s " +
            "and (@from::varchar is null or bucket >= @from) and (@to::varchar is null or bucket <= @to) and n <> 0");
        command.Parameters.Add(new NpgsqlParameter("t", session.TenantId));
        command.Parameters.Add(new NpgsqlParameter("s", summary));
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlDbType.Varchar) { Value = (object?)from ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlDbType.Varchar) { Value = (object?)to ?? DBNull.Value });
        var cells = new List<SummaryCell>();
        await using var reader = await session.ExecuteReaderAsync(command, ct);
        while (await reader.ReadAsync(ct))
        {
            cells.Add(new SummaryCell(reader.GetString(0), SummaryCount.ValuesOf(reader.GetString(1)), reader.GetString(2), reader.GetInt64(3)));
        }

        return cells;
    }

    /// <summary>Every stored cell of the district, by key (for verification; a district holds a few cells per month and dimension, not per case).</summary>
    public static async Task<Dictionary<SummaryCellKey, long>> StoredAsync(IDocumentStore store, string district, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        await using var command = connection.CreateCommand();
        command.CommandText = $"select summary, bucket, dims, counter, n from {Table(store)} where tenant_id = @t and n <> 0";
        command.Parameters.Add(new NpgsqlParameter("t", district));
        var cells = new Dictionary<SummaryCellKey, long>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            cells[new SummaryCellKey(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3))] = reader.GetInt64(4);
        }

        return cells;
    }

    /// <summary>The summaries kept over documents of these types, in a store set up by CaseLedger.</summary>
    public static IReadOnlyList<SummaryDeclaration> Over(IDocumentStore store, IEnumerable<Type> documentTypes)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Kinds.TryGetValue((StoreOptions)store.Options, out var kinds) ? documentTypes.SelectMany(kinds.SummariesOf).Distinct().ToList() : [];
    }

    /// <summary>The civil time of CaseLedger's default rule book for the store's kinds (+08:00 unless a rule document says otherwise).</summary>
    public static TimeSpan DefaultCivilOffset(IDocumentStore store)
    {
        ArgumentNullException.ThrowIfNull(store);
        return Kinds.TryGetValue((StoreOptions)store.Options, out var kinds) ? kinds.DefaultRules().UtcOffset : TimeSpan.FromHours(8);
    }

    /// <summary>
    /// Folds <paramref name="summaries"/> again from the documents they sum over (after a rebuild has
    /// written them again from the events): the documents are streamed from the database and folded
    /// into cells in memory, then the summaries' cells are replaced in one transaction. Only
    /// <paramref name="district"/> when given. Commands appended meanwhile may be counted twice or
    /// not at all: run it, as a rebuild does, while the district is not being written.
    /// </summary>
    public static async Task RecomputeAsync(IDocumentStore store, IReadOnlyList<SummaryDeclaration> summaries, TimeSpan civilOffset, string? district = null,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(summaries);
        if (summaries.Count == 0)
        {
            return;
        }

        var serializer = store.Options.Serializer();
        var tallies = new Dictionary<string, SummaryTally>(StringComparer.Ordinal);
        await using var connection = store.Storage.Database.CreateConnection();
        await connection.OpenAsync(ct);
        foreach (var group in summaries.GroupBy(s => s.DocumentType))
        {
            var declared = group.ToList();
            await using var command = connection.CreateCommand();
            command.CommandText = $"select tenant_id, data::text from {store.Options.FindOrResolveDocumentType(group.Key).TableName.QualifiedName}" +
                (district is null ? "" : " where tenant_id = @t");
            if (district is not null)
            {
                command.Parameters.Add(new NpgsqlParameter("t", district));
            }

            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var tenant = reader.GetString(0);
                var document = serializer.FromJson(group.Key, new MemoryStream(System.Text.Encoding.UTF8.GetBytes(reader.GetString(1))));
                if (!tallies.TryGetValue(tenant, out var tally))
                {
                    tallies[tenant] = tally = new SummaryTally();
                }

                tally.Add(declared, document, civilOffset);
            }
        }

        await using var transaction = await connection.BeginTransactionAsync(ct);
        await using (var delete = connection.CreateCommand())
        {
            delete.Transaction = transaction;
            delete.CommandText = $"delete from {Table(store)} where summary = any(@names)" + (district is null ? "" : " and tenant_id = @t");
            delete.Parameters.Add(new NpgsqlParameter("names", summaries.Select(s => s.Name).ToArray()));
            if (district is not null)
            {
                delete.Parameters.Add(new NpgsqlParameter("t", district));
            }

            await delete.ExecuteNonQueryAsync(ct);
        }

        foreach (var (tenant, tally) in tallies.Where(t => !t.Value.IsEmpty))
        {
            var cells = tally.Cells.ToList();
            await using var insert = connection.CreateCommand();
            insert.Transaction = transaction;
            insert.CommandText = $"insert into {Table(store)} (tenant_id, summary, bucket, dims, counter, n) " +
                "select @t, u.s, u.b, u.d, u.c, u.n from unnest(@s::varchar[], @b::varchar[], @d::varchar[], @c::varchar[], @n::bigint[]) as u(s, b, d, c, n)";
            insert.Parameters.Add(new NpgsqlParameter("t", tenant));
            insert.Parameters.Add(new NpgsqlParameter("s", cells.Select(c => c.Key.Summary).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("b", cells.Select(c => c.Key.Bucket).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("d", cells.Select(c => c.Key.Dimensions).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("c", cells.Select(c => c.Key.Counter).ToArray()));
            insert.Parameters.Add(new NpgsqlParameter("n", cells.Select(c => c.Value).ToArray()));
            await insert.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }
}

/// <summary>One stored cell of a summary, as a reading gets it: its bucket, dimension values, counter and count.</summary>
public sealed record SummaryCell(string Bucket, IReadOnlyList<string> Dimensions, string Counter, long N);
