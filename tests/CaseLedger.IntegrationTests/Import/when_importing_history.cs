using CaseLedger.Audit;
using CaseLedger.Core.Deadlines;
using CaseLedger.Import;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Import;

/// <summary>
/// A district's recorded history loaded from the sample files in seeds/imports: decided again at its
/// steps' times, stored with those times, and indistinguishable from cases written through the
/// pipeline except for when they were written.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_importing_history(Ledger ledger)
{
    /// <summary>After every step of the sample: its deadlines are all past due by then.</summary>
    private static readonly DateTimeOffset Now = new(2026, 1, 5, 9, 0, 0, TimeSpan.FromHours(8));

    private static string Sample(string extension) => Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "imports", $"yuelu-history.{extension}");

    private HistoryImport Importer() => new(ledger.Store, ledger.Kinds, ledger.Rules, new TestClock(Now),
        ledger.Host.Services.GetService<IDeadlineScheduler>()) { Source = "test", BatchSize = 3 };

    private static async Task<ImportFile> ReadAsync(string extension, Func<string, string>? edit = null)
    {
        var text = await File.ReadAllTextAsync(Sample(extension));
        return await ImportReader.ReadAsync(edit is null ? text : edit(text), extension == "csv" ? ImportFormat.Csv : ImportFormat.JsonLines);
    }

    private async Task<ImportResult> ImportAsync(string district, string extension, Func<string, string>? edit = null) =>
        await Importer().ImportAsync(district, await ReadAsync(extension, edit));

    [Fact]
    public async Task the_sample_is_imported_whole_and_verifies_intact()
    {
        var district = ledger.NewDistrict("import");
        var file = await ReadAsync("jsonl");
        var result = await Importer().ImportAsync(district, file);

        result.BadLines.ShouldBeEmpty();
        result.CasesImported.ShouldBe(file.Steps.Select(s => s.CaseId).Distinct().Count());
        var verification = await ledger.VerifyDistrictAsync(district);
        verification.Broken.ShouldBeEmpty();
        verification.Intact.ShouldBe(result.CasesImported);
    }

    [Fact]
    public async Task every_step_keeps_its_historical_time_in_the_trail_and_in_the_past_state()
    {
        var district = ledger.NewDistrict("import");
        var file = await ReadAsync("jsonl");
        await Importer().ImportAsync(district, file);

        await using var session = ledger.Store.QuerySession(district);
        var first = file.Steps[0];
        var entries = await session.Query<AuditEntry>().Where(e => e.CaseId == first.CaseId).OrderBy(e => e.Version).ToListAsync();
        entries[0].Time.ShouldBe(first.At);
        entries[0].Actor.ShouldBe(first.Actor);
        var steps = file.Steps.Where(s => s.CaseId == first.CaseId).Select(s => s.At).ToHashSet();
        entries.ShouldAllBe(e => steps.Contains(e.Time) || e.Actor == "caseledger");

        // As of a moment between the case's first and second step, the case holds what its first step made.
        var events = await session.Events.FetchStreamAsync(first.CaseId, timestamp: first.At.AddSeconds(1));
        events.ShouldNotBeEmpty();
        events.ShouldAllBe(e => e.Timestamp <= first.At.AddSeconds(1));
        events.Count.ShouldBeLessThan(entries.Count);
    }

    [Fact]
    public async Task imported_deadlines_past_due_are_breaches_recorded_at_their_due_times()
    {
        var district = ledger.NewDistrict("import");
        await ImportAsync(district, "jsonl");

        await using var session = ledger.Store.QuerySession(district);
        var breaches = await session.Events.QueryRawEventDataOnly<DeadlineBreached>().ToListAsync();
        var entries = await session.Query<AuditEntry>().Where(e => e.Actor == "caseledger").ToListAsync();
        entries.ShouldAllBe(e => e.Time < Now);
        entries.Count.ShouldBeGreaterThanOrEqualTo(breaches.Count);
    }

    [Fact]
    public async Task a_step_at_the_very_minute_a_deadline_falls_due_meets_it_on_time_as_it_would_live()
    {
        var district = ledger.NewDistrict("import");
        await ImportAsync(district, "jsonl", text => text.Replace(
            "\"command\": \"record-contact\", \"at\": \"2025-03-03T10:16:00+08:00\"", "\"command\": \"record-contact\", \"at\": \"2025-03-03T10:35:00+08:00\"",
            StringComparison.Ordinal));

        await using var session = ledger.Store.QuerySession(district);
        var order = await session.LoadAsync<CaseLedger.Cases.WorkOrders.WorkOrder>(Guid.Parse("0195a000-0000-7000-8000-000000000001"));
        var contact = order!.Deadlines["contact"]!;
        contact.MetAt.ShouldBe(contact.DueAt, "the sample's contact moved to the minute its promise falls due");
        contact.OnTime.ShouldBe(true);
        contact.BreachedAt.ShouldBeNull();
    }

    [Fact]
    public async Task running_it_again_imports_nothing_twice()
    {
        var district = ledger.NewDistrict("import");
        var first = await ImportAsync(district, "jsonl");
        var again = await ImportAsync(district, "jsonl");

        again.CasesImported.ShouldBe(0);
        again.CasesSkipped.ShouldBe(first.CasesImported);
        again.EventsWritten.ShouldBe(0);
        (await ledger.VerifyDistrictAsync(district)).Intact.ShouldBe(first.CasesImported);
    }

    [Fact]
    public async Task a_bad_line_is_named_by_its_number_and_nothing_of_its_case_is_stored()
    {
        var district = ledger.NewDistrict("import");
        var lines = (await File.ReadAllLinesAsync(Sample("jsonl"))).ToList();
        var victim = lines.FindLastIndex(l => l.Contains("\"record-arrival\"", StringComparison.Ordinal));
        var caseId = Guid.Parse(System.Text.Json.JsonDocument.Parse(lines[victim]).RootElement.GetProperty("case").GetString()!);
        lines[victim] = lines[victim].Replace("\"record-arrival\"", "\"record-levitation\"", StringComparison.Ordinal);

        var result = await ImportAsync(district, "jsonl", _ => string.Join('\n', lines));

        var bad = result.BadLines.ShouldHaveSingleItem();
        bad.Line.ShouldBe(victim + 1);
        bad.CaseId.ShouldBe(caseId);
        bad.Reason.ShouldContain("record-levitation");
        result.CasesImported.ShouldBe((await ReadAsync("jsonl")).Steps.Select(s => s.CaseId).Distinct().Count() - 1);
        await using var session = ledger.Store.QuerySession(district);
        (await session.Events.FetchStreamStateAsync(caseId)).ShouldBeNull();
        (await session.Query<AuditEntry>().Where(e => e.CaseId == caseId).CountAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_step_dated_before_the_one_before_it_is_a_bad_line()
    {
        var district = ledger.NewDistrict("import");
        var lines = (await File.ReadAllLinesAsync(Sample("jsonl"))).ToList();
        var victim = lines.FindLastIndex(l => l.Contains("\"resolve-work-order\"", StringComparison.Ordinal));
        lines[victim] = System.Text.RegularExpressions.Regex.Replace(lines[victim], "\"at\": \"[^\"]+\"", "\"at\": \"2020-01-01T00:00:00+08:00\"");

        var result = await ImportAsync(district, "jsonl", _ => string.Join('\n', lines));

        result.BadLines.ShouldHaveSingleItem().Line.ShouldBe(victim + 1);
        result.BadLines[0].Reason.ShouldContain("out of order");
    }

    [Fact]
    public async Task csv_and_json_lines_import_the_same_history()
    {
        var fromJson = ledger.NewDistrict("import");
        var fromCsv = ledger.NewDistrict("import");
        (await ImportAsync(fromJson, "jsonl")).BadLines.ShouldBeEmpty();
        (await ImportAsync(fromCsv, "csv")).BadLines.ShouldBeEmpty();

        (await TrailAsync(fromCsv)).ShouldBe(await TrailAsync(fromJson));
    }

    private async Task<List<string>> TrailAsync(string district)
    {
        await using var session = ledger.Store.QuerySession(district);
        var entries = await session.Query<AuditEntry>().ToListAsync();
        return entries.OrderBy(e => e.CaseId).ThenBy(e => e.Version)
            .Select(e => $"{e.CaseId} {e.Version} {e.Time:O} {e.EventType} {e.Actor} {e.Role} {e.Channel} {e.Summary}").ToList();
    }
}
