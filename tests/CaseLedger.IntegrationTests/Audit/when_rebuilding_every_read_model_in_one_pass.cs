using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Core.Service;
using CaseLedger.Core.Vouching;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace CaseLedger.IntegrationTests.Audit;

/// <summary>
/// The single-pass rebuild (every read model from one read of each district's events, cases folded on
/// every core, documents written with COPY) leaves every document as the inline projections wrote it:
/// the state and read models of every kind, the documents written by id, the service records, the audit
/// trail and the digest records; and the district still verifies intact, with no tamper finding.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_rebuilding_every_read_model_in_one_pass(Ledger ledger)
{
    private IDocumentStore _store => ledger.Store;

    private List<string> Tables()
    {
        var kinds = ledger.Host.Services.GetRequiredService<CaseKinds>();
        return kinds.All
            .SelectMany(k => new[] { k.StateType }.Concat(k.Views.Select(v => v.Type)).Concat(k.Documents.Select(d => d.Type)))
            .Append(typeof(AuditEntry))
            .Append(typeof(CaseService))
            .Append(typeof(VouchedDocument))
            .Distinct()
            .Select(t => _store.Options.FindOrResolveDocumentType(t).TableName.QualifiedName)
            .ToList();
    }

    private async Task<IReadOnlyList<string>> DocumentsAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        // Districts whose history a test edited with SQL rebuild differently from what was recorded live, by design.
        await using var command = new NpgsqlCommand(
            $"select tenant_id || ' ' || id::text || ' ' || data::text from {table} where tenant_id <> all(@tampered) order by tenant_id, id::text", connection);
        command.Parameters.AddWithValue("tampered", ledger.TamperedDistricts.ToArray());
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }

    [Fact]
    public async Task every_document_equals_the_one_written_inline_and_the_district_verifies_intact()
    {
        var tables = Tables();
        var live = new Dictionary<string, IReadOnlyList<string>>();
        foreach (var table in tables)
        {
            live[table] = await DocumentsAsync(table);
            live[table].ShouldNotBeEmpty(table);
        }

        // Damage the live documents first, so a rebuild that did nothing could not pass.
        foreach (var table in tables)
        {
            await ledger.ExecuteSqlAsync($"delete from {table}");
        }

        var reported = new List<RebuildProgress>();
        var replayed = await Rebuilding.RebuildAllAsync(_store, ledger.Host.Services.GetRequiredService<CaseKinds>(), new SynchronousProgress(reported.Add));

        foreach (var table in tables)
        {
            (await DocumentsAsync(table)).ShouldBe(live[table], table);
        }

        replayed.ShouldBeGreaterThan(0);
        reported.ShouldContain(p => p.Replayed == replayed && p.Total == replayed);
        var verification = await ledger.VerifyDistrictAsync(Ledger.SeededDistrict);
        verification.Cases.ShouldBeGreaterThan(0);
        verification.RecordedFindingCount.ShouldBe(0);
        verification.AllIntact.ShouldBeTrue();
        verification.Broken.ShouldBeEmpty();
    }

    private sealed class SynchronousProgress(Action<RebuildProgress> report) : IProgress<RebuildProgress>
    {
        public void Report(RebuildProgress value) => report(value);
    }
}
