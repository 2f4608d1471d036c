using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Service;
using CaseLedger.Rules;

namespace CaseLedger.Tests.Service;

/// <summary>The district's on-time rate across kinds and levels, as a pure function of the cases' service records.</summary>
public sealed class when_reading_the_district_on_time_rate
{
    private static readonly TimeSpan Civil = TimeSpan.FromHours(8);
    private static readonly DateTimeOffset March = new(2026, 3, 31, 23, 0, 0, Civil);
    private static readonly RuleRef Rule = new("certificate", "2026");

    /// <summary>A case with one deadline due at <paramref name="due"/>, met at <paramref name="met"/> or breached when <paramref name="breached"/>.</summary>
    private static CaseService Case(string kind, ServiceLevel accepted, DateTimeOffset due, DateTimeOffset? met, bool breached = false, bool cancelled = false)
    {
        var id = Guid.NewGuid();
        var book = DeadlineBook.Empty.Apply(new DeadlineSet(id, "done", "issue", due.AddDays(-5), due, TimeMeasure.Calendar, TimeSpan.FromDays(5), null, Rule, "c"));
        if (breached)
        {
            book = book.Apply(new DeadlineBreached(id, "done", "issue", due, due, "c"));
        }

        if (met is { } at)
        {
            book = book.Apply(new DeadlineMet(id, "done", "issue", due, at, !breached && at <= due, "c"));
        }

        if (cancelled)
        {
            book = book.Apply(new DeadlineCancelled(id, "done", "withdrawn", due.AddDays(-1)));
        }

        return new CaseService { Id = id, Kind = kind, AcceptedAt = accepted, Level = ServiceLevel.DistrictCentre, Deadlines = book };
    }

    private static readonly ServicePeriod Everything = new(null, null, null, null);

    [Fact]
    public void met_on_time_met_late_and_breached_are_counted_in_the_civil_month_they_fell_due_and_cancelled_ones_are_not()
    {
        CaseService[] cases =
        [
            Case("certificate", ServiceLevel.VillageStation, March, March.AddHours(-1)),
            Case("certificate", ServiceLevel.DistrictCentre, March, March.AddDays(1), breached: true),
            Case("work-order", ServiceLevel.DistrictCentre, March.AddHours(2), null, breached: true),
            Case("work-order", ServiceLevel.DistrictCentre, March, null, cancelled: true),
            Case("work-order", ServiceLevel.TownshipCentre, March.AddDays(3), null),
        ];

        var rate = ServiceReadings.OnTimeRate(cases, Everything, Civil);

        rate.All.ShouldBe(new OnTimeCount("all", 3, 1, 1, 1, 0.3333m));
        rate.ByMonth.ShouldBe([new OnTimeCount("2026-03", 2, 1, 1, 0, 0.5m), new OnTimeCount("2026-04", 1, 0, 0, 1, 0m)],
            "23:00 in Shaoyang on 31 March is March; two hours later it is April");
        rate.ByKind.ShouldBe([new OnTimeCount("certificate", 2, 1, 1, 0, 0.5m), new OnTimeCount("work-order", 1, 0, 0, 1, 0m)]);
        rate.ByLevel.ShouldBe([new OnTimeCount("VillageStation", 1, 1, 0, 0, 1m), new OnTimeCount("DistrictCentre", 2, 0, 1, 1, 0m)]);
    }

    [Fact]
    public void a_period_and_a_level_narrow_what_is_counted()
    {
        CaseService[] cases =
        [
            Case("certificate", ServiceLevel.VillageStation, March, March),
            Case("certificate", ServiceLevel.VillageStation, March.AddDays(40), March.AddDays(41)),
            Case("certificate", ServiceLevel.DistrictCentre, March, March),
        ];

        ServiceReadings.OnTimeRate(cases, new ServicePeriod("2026-03", "2026-03", null, ServiceLevel.VillageStation), Civil).All.Settled.ShouldBe(1);
        ServiceReadings.OnTimeRate(cases, new ServicePeriod("2026-04", null, null, null), Civil).All.ShouldBe(new OnTimeCount("all", 1, 0, 1, 0, 0m));
        ServiceReadings.OnTimeRate([], Everything, Civil).All.Rate.ShouldBeNull("no settled deadline has no rate, not a rate of zero");
    }

    [Theory]
    [InlineData("from", "2026-3", "service.month_invalid")]
    [InlineData("to", "2026-02-01", "service.month_invalid")]
    [InlineData("kind", "parking", "service.kind_unknown")]
    [InlineData("level", "1", "service.level_unknown")]
    public void a_malformed_query_value_is_refused(string name, string value, string code)
    {
        var (period, refused) = ServicePeriod.Read(new Dictionary<string, string> { [name] = value }, new CaseKinds());

        period.ShouldBeNull();
        refused!.Code.ShouldBe(code);
    }
}
