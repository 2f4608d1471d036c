using CaseLedger.Core.Service;
using CaseLedger.Core.Summaries;

namespace CaseLedger.Tests.Summaries;

/// <summary>The change a rewritten document makes to its summaries, and how a district's cells are compared with what its events produce.</summary>
public sealed class when_a_document_changes_its_summaries
{
    private static readonly TimeSpan Civil = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset January = new(2026, 1, 10, 9, 0, 0, Civil);

    private static CaseService Complained(params DateTimeOffset[] at) => new()
    {
        Id = Guid.NewGuid(),
        Kind = "work-order",
        Complaints = at.Select(a => new Complaint("resident", "no one came", a)).ToList(),
    };

    [Fact]
    public void the_change_is_what_the_document_adds_after_less_what_it_added_before()
    {
        var before = Complained(January);
        var after = before with { Complaints = [.. before.Complaints, new Complaint("resident", "still no one", January.AddDays(1))] };

        var change = SummaryTally.Change(ServiceSummaries.All, before, after, Civil);

        change.Cells.ShouldHaveSingleItem().ShouldBe(new KeyValuePair<SummaryCellKey, long>(
            new SummaryCellKey(ServiceSummaries.ComplaintsName, "2026-01", SummaryCount.Dims("work-order", "DistrictCentre", ""), "complaints"), 1));
    }

    [Fact]
    public void a_document_that_does_not_change_what_it_contributes_changes_nothing() =>
        SummaryTally.Change(ServiceSummaries.All, Complained(January), Complained(January), Civil).IsEmpty.ShouldBeTrue();

    [Fact]
    public void a_new_document_adds_all_it_contributes_and_a_civil_month_is_read_at_plus_eight()
    {
        // 2026-01-31 17:00 UTC is already February in civil time.
        var change = SummaryTally.Change(ServiceSummaries.All, null, Complained(new DateTimeOffset(2026, 1, 31, 17, 0, 0, TimeSpan.Zero)), Civil);

        change.Cells.Keys.Select(k => k.Bucket).Distinct().ShouldBe(["2026-02"]);
        change.Cells.Values.ShouldAllBe(n => n == 1);
    }

    [Fact]
    public void a_case_complained_about_in_several_months_counts_once_over_a_period_and_once_in_each_month()
    {
        var twice = Complained(January, January.AddMonths(2), January.AddMonths(2).AddDays(1));
        var once = Complained(January.AddMonths(1));

        var all = ServiceReadings.Complaints([twice, once], new ServicePeriod(null, null, null, null), Civil);
        var fromFebruary = ServiceReadings.Complaints([twice, once], new ServicePeriod("2026-02", "2026-03", null, null), Civil);
        var march = ServiceReadings.Complaints([twice, once], new ServicePeriod("2026-03", "2026-03", null, null), Civil);

        all.Total.ShouldBe(4);
        all.ByKind.ShouldBe([new ComplaintCount("work-order", 4, 2)]);
        all.ByMonth.ShouldBe([new ComplaintCount("2026-01", 1, 1), new ComplaintCount("2026-02", 1, 1), new ComplaintCount("2026-03", 2, 1)]);
        fromFebruary.ByKind.ShouldBe([new ComplaintCount("work-order", 3, 2)]);
        march.ByKind.ShouldBe([new ComplaintCount("work-order", 2, 1)]);
    }

    [Fact]
    public void a_stored_cell_that_is_not_what_the_documents_contribute_is_a_difference_with_both_counts()
    {
        var expected = SummaryTally.Of(ServiceSummaries.Complaints, [Complained(January)], Civil);
        var stored = expected.Cells.ToDictionary(c => c.Key, c => c.Value);
        var cell = stored.Keys.First(k => k.Counter == "complaints");
        stored[cell] = 7;
        var extra = new SummaryCellKey(ServiceSummaries.ComplaintsName, "2026-05", SummaryCount.Dims("work-order", "DistrictCentre", ""), "cases");
        stored[extra] = 1;

        SummaryTally.Differences(expected, stored).ShouldBe([(cell, 1L, 7L), (extra, 0L, 1L)]);
    }

    [Theory]
    [InlineData("2026-13", null, ReadingPeriod.MonthInvalidCode)]
    [InlineData("2026-1", null, ReadingPeriod.MonthInvalidCode)]
    [InlineData("2026-03", "2026-02", ReadingPeriod.PeriodInvalidCode)]
    public void a_period_is_read_strictly(string from, string? to, string code)
    {
        var values = new Dictionary<string, string> { ["from"] = from };
        if (to is not null)
        {
            values["to"] = to;
        }

        ReadingPeriod.Read(values, PeriodGrain.Month).Refused!.Code.ShouldBe(code);
    }

    [Fact]
    public void a_period_of_days_takes_days_only()
    {
        ReadingPeriod.Read(new Dictionary<string, string> { ["from"] = "2026-03" }, PeriodGrain.Day).Refused!.Code.ShouldBe(ReadingPeriod.DayInvalidCode);
        ReadingPeriod.Read(new Dictionary<string, string> { ["from"] = "2026-03-01", ["to"] = "2026-03-31" }, PeriodGrain.Day).Period
            .ShouldBe(new ReadingPeriod("2026-03-01", "2026-03-31"));
    }
}
