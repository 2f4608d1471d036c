using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Summaries;

namespace CaseLedger.Core.Service;

/// <summary>
/// The core's district summaries, kept over every case's service record: settled deadlines by the
/// month they fell due, kind and level of acceptance; complaints by the month recorded, kind and level.
/// </summary>
public static class ServiceSummaries
{
    public const string OnTimeName = "service/on-time";
    public const string ComplaintsName = "service/complaints";

    /// <summary>
    /// A settled deadline counts once in the cell of the month it fell due (civil time), its case's kind
    /// and level of acceptance: <c>settled</c>, and one of <c>on-time</c>, <c>met-late</c>, <c>breached</c>.
    /// </summary>
    public static readonly SummaryDeclaration OnTime = SummaryDeclaration.For<CaseService>(OnTimeName, OnTimeOf);

    /// <summary>
    /// A case's complaints count in the cell of the month recorded, its kind and level of acceptance,
    /// and the month of its previous complaint before that month (<c>since</c>, empty for its first):
    /// <c>complaints</c> counts them, <c>cases</c> is one per case and month. The case's first month
    /// with a complaint inside a period is the one whose <c>since</c> lies before the period, so
    /// distinct cases over any period are a sum of cells.
    /// </summary>
    public static readonly SummaryDeclaration Complaints = SummaryDeclaration.For<CaseService>(ComplaintsName, ComplaintsOf);

    public static IReadOnlyList<SummaryDeclaration> All { get; } = [OnTime, Complaints];

    public static IEnumerable<SummaryCount> OnTimeOf(CaseService service, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(service);
        var level = ServicePeriod.LevelName(service.AcceptedAt);
        foreach (var deadline in service.Deadlines.All.Where(DeadlineReading.IsSettled))
        {
            var month = SummaryCount.Month(deadline.DueAt, civilOffset);
            yield return SummaryCount.Of(OnTimeName, month, "settled", 1, service.Kind, level);
            var outcome = deadline switch
            {
                { Status: DeadlineStatus.Met, OnTime: true } => "on-time",
                { Status: DeadlineStatus.Met } => "met-late",
                _ => "breached",
            };
            yield return SummaryCount.Of(OnTimeName, month, outcome, 1, service.Kind, level);
        }
    }

    public static IEnumerable<SummaryCount> ComplaintsOf(CaseService service, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(service);
        var level = ServicePeriod.LevelName(service.AcceptedAt);
        var since = "";
        foreach (var month in service.Complaints.GroupBy(c => SummaryCount.Month(c.At, civilOffset)).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            yield return SummaryCount.Of(ComplaintsName, month.Key, "complaints", month.Count(), service.Kind, level, since);
            yield return SummaryCount.Of(ComplaintsName, month.Key, "cases", 1, service.Kind, level, since);
            since = month.Key;
        }
    }
}
