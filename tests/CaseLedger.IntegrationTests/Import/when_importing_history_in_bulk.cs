using System.Text.RegularExpressions;
using CaseLedger.Hosting;
using CaseLedger.Import;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseLedger.IntegrationTests.Import;

/// <summary>
/// The import writes with COPY what the store's inline projections would write: the same history
/// imported through Marten's append (the inline projections, statement by statement) into one
/// district and in bulk into another leaves the same rows in every table of the district (events,
/// streams, chain links and heads, receipts, audit entries, digest records, every kind's documents,
/// summary cells), once the event ids, sequence numbers, chain hashes, receipt signatures and the
/// district's name, which differ by nature, are named by the case and version they belong to.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_importing_history_in_bulk(Ledger ledger)
{
    /// <summary>After every step of the sample and of the seeds: every deadline is past due by then, so none is scheduled.</summary>
    private static readonly DateTimeOffset Now = new(2030, 1, 7, 9, 0, 0, TimeSpan.FromHours(8));

    private HistoryImport Importer(bool inline) => new(ledger.Store, ledger.Kinds, ledger.Rules, new TestClock(Now),
        ledger.Host.Services.GetService<Core.Deadlines.IDeadlineScheduler>()) { Source = "test", BatchSize = 4, ThroughInlineProjections = inline };

    [Fact]
    public async Task the_sample_leaves_every_row_the_inline_projections_leave()
    {
        var text = await File.ReadAllTextAsync(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "imports", "yuelu-history.jsonl"));
        await ShouldStoreTheSameAsync(await ImportReader.ReadAsync(text, ImportFormat.JsonLines));
    }

    [Fact]
    public async Task the_seeded_demo_of_every_kind_leaves_every_row_the_inline_projections_leave()
    {
        var (_, files) = await SeedImport.ReadAsync(ledger.Kinds, Path.Combine(LedgerHost.RepositoryRoot(), "seeds"), default);
        var compared = await ShouldStoreTheSameAsync(files[Ledger.SeededDistrict]);

        compared.ShouldContain(TableOf<CaseLedger.Core.Vouching.VouchedDocument>(), "the seeds write documents by id, and their digest records");
    }

    /// <summary>Imports the file both ways and compares the rows; the tables compared.</summary>
    private async Task<IReadOnlyList<string>> ShouldStoreTheSameAsync(ImportFile file)
    {
        var inline = ledger.NewDistrict("inline");
        var bulk = ledger.NewDistrict("bulk");
        var throughProjections = await Importer(inline: true).ImportAsync(inline, file);
        var copied = await Importer(inline: false).ImportAsync(bulk, file);

        throughProjections.BadLines.ShouldBeEmpty();
        copied.BadLines.ShouldBeEmpty();
        copied.CasesImported.ShouldBe(throughProjections.CasesImported);
        copied.EventsWritten.ShouldBe(throughProjections.EventsWritten);
        var expected = await RowsAsync(inline);
        var actual = await RowsAsync(bulk);
        actual.Keys.ShouldBe(expected.Keys, ignoreOrder: true);
        expected["mt_events"].Count.ShouldBe((int)copied.EventsWritten);
        foreach (var (table, rows) in expected)
        {
            actual[table].ShouldBe(rows, table);
        }

        var verification = await ledger.VerifyDistrictAsync(bulk);
        verification.Broken.ShouldBeEmpty();
        verification.Intact.ShouldBe(copied.CasesImported);
        var tables = expected.Keys.Select(t => $"{CaseLedgerSetup.SchemaName}.{t}").ToList();
        tables.ShouldContain($"{CaseLedgerSetup.SchemaName}.mt_streams");
        tables.ShouldContain($"{CaseLedgerSetup.SchemaName}.{Core.Summaries.SummaryStore.TableName}");
        foreach (var table in new[] { TableOf<CaseLedger.Audit.ChainLink>(), TableOf<CaseLedger.Audit.ChainHead>(), TableOf<CaseLedger.Core.Vouching.IssuedReceipt>(),
                     TableOf<CaseLedger.Audit.AuditEntry>(), TableOf<CaseLedger.Core.Service.CaseService>() })
        {
            tables.ShouldContain(table);
        }

        return tables;
    }

    /// <summary>
    /// Every row the district holds in every table of CaseLedger's schema, as JSON, without the columns
    /// that say when it was written; event ids, sequences and chain hashes named by their case and
    /// version, the district's name replaced, receipt signatures left out.
    /// </summary>
    private async Task<Dictionary<string, List<string>>> RowsAsync(string district)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var sequences = new Dictionary<long, string>();
        await using (var events = new NpgsqlCommand(
            $"select id::text, seq_id, stream_id, version from {CaseLedgerSetup.SchemaName}.mt_events where tenant_id = @d", connection))
        {
            events.Parameters.AddWithValue("d", district);
            await using var reader = await events.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                names[reader.GetString(0)] = $"event {reader.GetGuid(2)}:{reader.GetInt64(3)}";
                sequences[reader.GetInt64(1)] = $"\"sequence {reader.GetGuid(2)}:{reader.GetInt64(3)}\"";
            }
        }

        var links = (await QueryAsync(connection, $"select data ->> 'hash', data ->> 'id' from {TableOf<CaseLedger.Audit.ChainLink>()} where tenant_id = @d", district))
            .Select(r => (Hash: r[0], Id: r[1])).ToList();
        foreach (var (hash, id) in links)
        {
            names[hash] = $"link {id}";
        }

        names[district] = "DISTRICT";
        var tables = (await QueryAsync(connection,
                "select table_name from information_schema.columns where table_schema = @s and column_name = 'tenant_id' and table_name not like 'wolverine%'", district,
                ("s", CaseLedgerSetup.SchemaName)))
            .Select(r => r[0]).ToList();
        var rows = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var table in tables)
        {
            var found = await QueryAsync(connection,
                $"select (to_jsonb(t) - 'mt_last_modified' - 'mt_version' - 'mt_created_at'{(table == "mt_streams" ? " - 'timestamp' - 'created'" : "")})::text " +
                $"from {CaseLedgerSetup.SchemaName}.{table} t where tenant_id = @d", district);
            if (found.Count > 0)
            {
                rows[table] = found.Select(r => Normalized(r[0], names, sequences)).Order(StringComparer.Ordinal).ToList();
            }
        }

        return rows;
    }

    private static readonly Regex Sequence = new("\"(?:seq_id|sequence)\": (\\d+)", RegexOptions.Compiled);
    private static readonly Regex Signature = new("\"signature\": \"[^\"]*\"", RegexOptions.Compiled);
    private static readonly Regex Words = new("[0-9a-z-]{8,}", RegexOptions.Compiled);

    private static string Normalized(string row, Dictionary<string, string> names, Dictionary<long, string> sequences)
    {
        row = Sequence.Replace(row, m => m.Value[..(m.Value.IndexOf(':', StringComparison.Ordinal) + 2)] + sequences.GetValueOrDefault(long.Parse(m.Groups[1].Value), "?"));
        row = Signature.Replace(row, "\"signature\": \"...\"");
        return Words.Replace(row, m => names.GetValueOrDefault(m.Value, m.Value));
    }

    private string TableOf<T>() => ledger.Store.Options.FindOrResolveDocumentType(typeof(T)).TableName.QualifiedName;

    private static async Task<List<string[]>> QueryAsync(NpgsqlConnection connection, string sql, string district, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("d", district);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        var rows = new List<string[]>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "" : reader.GetValue(i).ToString()!).ToArray());
        }

        return rows;
    }
}
