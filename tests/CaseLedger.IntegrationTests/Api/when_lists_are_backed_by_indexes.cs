using System.Text.RegularExpressions;
using CaseLedger.Audit;
using CaseLedger.IntegrationTests.Infrastructure;
using Npgsql;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>
/// Every member a list filters or sorts on leads an index PostgreSQL holds, so no page reads a whole
/// district: the kinds' lists (as each view declares them) and the audit trail.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed partial class when_lists_are_backed_by_indexes(Ledger ledger)
{
    /// <summary>The JSON member each index of a table starts with (after the district, for an index that leads with it).</summary>
    private async Task<IReadOnlyList<string>> LeadingMembersAsync(string table)
    {
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select indexdef from pg_indexes where schemaname = 'caseledger' and tablename = @table", connection);
        command.Parameters.AddWithValue("table", table);
        var leading = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (LeadingMember().Match(reader.GetString(0)) is { Success: true } match)
            {
                leading.Add(match.Groups["member"].Value);
            }
        }

        return leading;
    }

    // "USING btree (tenant_id, caseledger.mt_immutable_timestamptz((data ->> 'openedAt'::text)), id)": the first member after any tenant_id.
    // "USING gin (((data -> 'steps'::text)) jsonb_path_ops)": a collection looked up by containment.
    [GeneratedRegex(@"USING (?:btree|gin) \((?:tenant_id, )?[^']*?'(?<member>\w+)'")]
    private static partial Regex LeadingMember();

    [Fact]
    public async Task each_kinds_list_sort_and_filter_leads_an_index()
    {
        var missing = new List<string>();
        foreach (var kind in ledger.Kinds.All)
        {
            var view = kind.MainView;
            var leading = await LeadingMembersAsync($"mt_doc_{view.Type.Name.ToLowerInvariant()}");
            leading.ShouldNotBeEmpty($"{view.Type.Name} has no index at all");
            missing.AddRange(view.IndexedMembers.Where(m => !leading.Contains(m)).Select(m => $"{view.Type.Name}.{m}"));
            // The sort itself, and each filter followed by the sort, so a filtered page is one range of an index.
            view.IndexedMembers.Count.ShouldBeGreaterThanOrEqualTo(1 + view.Filters.Count);
        }

        missing.ShouldBeEmpty();
    }

    [Fact]
    public async Task the_audit_trails_filters_and_sequence_lead_an_index()
    {
        var leading = await LeadingMembersAsync("mt_doc_auditentry");

        AuditTrail.IndexedMembers.Where(m => !leading.Contains(m)).ShouldBeEmpty();
    }

    [Fact]
    public async Task the_audit_trails_indexes_lead_with_the_district()
    {
        // A district's first page is a range of its own entries, not a walk past every newer entry of the other districts.
        await using var connection = new NpgsqlConnection(ledger.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select indexdef from pg_indexes where schemaname = 'caseledger' and tablename = 'mt_doc_auditentry'", connection);
        var definitions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            definitions.Add(reader.GetString(0));
        }

        definitions.Where(d => LeadingMember().IsMatch(d)).ShouldNotBeEmpty();
        definitions.Where(d => LeadingMember().IsMatch(d) && !d.Contains("(tenant_id, ", StringComparison.Ordinal)).ShouldBeEmpty();
    }
}
