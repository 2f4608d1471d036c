using System.Globalization;
using System.Text.Json.Nodes;
using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Summaries;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Core.Service;

/// <summary>Deadlines settled in one group (a month, a kind, a level): met on time, met late, or breached and not met since.</summary>
public sealed record OnTimeCount(string Key, int Settled, int OnTime, int MetLate, int Breached, [property: Fraction] decimal? Rate);

/// <summary>One cell of the district's on-time rate: the deadlines of one kind, accepted at one level, that fell due in one month.</summary>
public sealed record OnTimeCell(string Month, string Kind, ServiceLevel Level, int Settled, int OnTime, [property: Fraction] decimal? Rate);

/// <summary>
/// The district's on-time rate across every kind: over all deadlines settled in the period, and by
/// the month they fell due (civil time), by kind and by the level the case was accepted at.
/// </summary>
public sealed record DistrictOnTimeRate(
    string? From,
    string? To,
    OnTimeCount All,
    IReadOnlyList<OnTimeCount> ByMonth,
    IReadOnlyList<OnTimeCount> ByKind,
    IReadOnlyList<OnTimeCount> ByLevel,
    IReadOnlyList<OnTimeCell> Cells);

/// <summary>The district's complaints, counted over all and by kind and by the month they were recorded (civil time).</summary>
public sealed record DistrictComplaints(string? From, string? To, int Total, IReadOnlyList<ComplaintCount> ByKind, IReadOnlyList<ComplaintCount> ByMonth);

public sealed record ComplaintCount(string Key, int Complaints, int Cases);

/// <summary>A case's deadlines read at a moment, with its escalations, hand-overs and complaints.</summary>
public sealed record CaseServiceReading(
    Guid CaseId,
    string Kind,
    ServiceLevel AcceptedAt,
    ServiceLevel Level,
    DateTimeOffset ReadAt,
    IReadOnlyList<DeadlineReading> Deadlines,
    IReadOnlyList<Escalation> Escalations,
    IReadOnlyList<HandOver> HandOvers,
    IReadOnlyList<Complaint> Complaints);

/// <summary>
/// What a read of the district's service asks for: the months (<c>from</c>, <c>to</c>, <c>yyyy-MM</c>,
/// both included), and optionally one kind and one level of acceptance.
/// </summary>
public sealed record ServicePeriod(string? From, string? To, string? Kind, ServiceLevel? Level)
{
    // The codes, as constants the HTTP edge's problem lists name too.
    public const string MonthInvalidCode = "service.month_invalid";
    public const string PeriodInvalidCode = "service.period_invalid";
    public const string KindUnknownCode = "service.kind_unknown";
    public const string LevelUnknownCode = "service.level_unknown";

    public static readonly Refusal MonthInvalid = new(MonthInvalidCode, RejectionKind.Invalid);
    public static readonly Refusal PeriodInvalid = new(PeriodInvalidCode, RejectionKind.Invalid);
    public static readonly Refusal KindUnknown = new(KindUnknownCode, RejectionKind.Invalid);
    public static readonly Refusal LevelUnknown = new(LevelUnknownCode, RejectionKind.Invalid);

    /// <summary>Reads the query's values strictly: each given value must be well formed, or the whole read is refused.</summary>
    public static (ServicePeriod? Period, Rejection? Refused) Read(IReadOnlyDictionary<string, string> values, CaseKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(kinds);
        string? Value(string name) => values.TryGetValue(name, out var v) && v.Length > 0 ? v : null;
        var from = Value("from");
        var to = Value("to");
        if ((from is not null && !IsMonth(from)) || (to is not null && !IsMonth(to)))
        {
            return (null, MonthInvalid.Because("from and to are months, written yyyy-MM (e.g. 2026-11)."));
        }

        if (from is not null && to is not null && string.CompareOrdinal(from, to) > 0)
        {
            return (null, PeriodInvalid.Because($"The period starts ({from}) after it ends ({to})."));
        }

        var kind = Value("kind");
        if (kind is not null && kinds.Named(kind) is null)
        {
            return (null, KindUnknown.Because($"No kind '{kind}' here: use one of {string.Join(", ", kinds.All.Select(k => k.Name))}."));
        }

        ServiceLevel? level = null;
        if (Value("level") is { } text)
        {
            if (LevelNamed(text) is not { } named)
            {
                return (null, LevelUnknown.Because($"No level '{text}': use one of {string.Join(", ", Enum.GetValues<ServiceLevel>().Select(LevelName))}."));
            }

            level = named;
        }

        return (new ServicePeriod(from, to, kind, level), null);
    }

    /// <summary>A level as the API writes it, as every enum: its name (<c>VillageStation</c>, <c>TownshipCentre</c>, <c>DistrictCentre</c>).</summary>
    public static string LevelName(ServiceLevel level) => level.ToString();

    private static ServiceLevel? LevelNamed(string text) =>
        Enum.GetNames<ServiceLevel>().FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<ServiceLevel>(name)
            : null;

    internal bool Covers(string month) =>
        (From is null || string.CompareOrdinal(month, From) >= 0) && (To is null || string.CompareOrdinal(month, To) <= 0);

    private static bool IsMonth(string text) =>
        DateTime.TryParseExact(text, "yyyy-MM", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
}

/// <summary>
/// The district's service read from its cases' service records (<see cref="CaseService"/>, kept from
/// the events, so a rebuild gives the same): the on-time rate, the complaints, and one case's
/// deadlines read at a moment. A month is counted in the rule book's civil time.
/// </summary>
public static class ServiceReadings
{
    /// <summary>The district's on-time rate in the period, from the summary cells kept with the events: one indexed query.</summary>
    public static async Task<DistrictOnTimeRate> OnTimeRateAsync(IQuerySession session, ServicePeriod period, RuleBook rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(period);
        return OnTimeRate(await SummaryStore.ReadAsync(session, ServiceSummaries.OnTimeName, period.From, period.To, ct), period);
    }

    /// <summary>
    /// The on-time rate of these cases in the period: a deadline counts once it is settled (met on
    /// time, met late, or breached), in the month it fell due; a cancelled or running one does not.
    /// </summary>
    public static DistrictOnTimeRate OnTimeRate(IEnumerable<CaseService> cases, ServicePeriod period, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(period);
        return OnTimeRate(SummaryTally.Of(ServiceSummaries.OnTime, cases, civilOffset).Read(ServiceSummaries.OnTimeName, period.From, period.To), period);
    }

    /// <summary>The on-time rate from the summary's cells (month; kind, level; counter) in the period.</summary>
    public static DistrictOnTimeRate OnTimeRate(IEnumerable<SummaryCell> cells, ServicePeriod period)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(period);
        var rows = cells
            .Select(c => (Month: c.Bucket, Kind: c.Dimensions[0], Level: Enum.Parse<ServiceLevel>(c.Dimensions[1]), c.Counter, c.N))
            .Where(c => (period.Kind is null || c.Kind == period.Kind) && (period.Level is null || c.Level == period.Level) && period.Covers(c.Month))
            .ToList();
        OnTimeCount Count(string key, IEnumerable<(string Month, string Kind, ServiceLevel Level, string Counter, long N)> group)
        {
            var all = group.ToList();
            int Sum(string counter) => (int)all.Where(r => r.Counter == counter).Sum(r => r.N);
            var settled = Sum("settled");
            var onTime = Sum("on-time");
            return new OnTimeCount(key, settled, onTime, Sum("met-late"), Sum("breached"), Share(onTime, settled));
        }

        return new DistrictOnTimeRate(period.From, period.To, Count("all", rows),
            rows.GroupBy(s => s.Month).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, g)).ToList(),
            rows.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, g)).ToList(),
            rows.GroupBy(s => s.Level).OrderBy(g => g.Key).Select(g => Count(ServicePeriod.LevelName(g.Key), g)).ToList(),
            rows.GroupBy(s => (s.Month, s.Kind, s.Level))
                .OrderBy(g => g.Key.Month, StringComparer.Ordinal).ThenBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Level)
                .Select(g => Count(g.Key.Month, g) is var c ? new OnTimeCell(g.Key.Month, g.Key.Kind, g.Key.Level, c.Settled, c.OnTime, c.Rate) : null!)
                .ToList());
    }

    /// <summary>The district's complaints in the period, from the summary cells kept with the events: one indexed query.</summary>
    public static async Task<DistrictComplaints> ComplaintsAsync(IQuerySession session, ServicePeriod period, RuleBook rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(period);
        return Complaints(await SummaryStore.ReadAsync(session, ServiceSummaries.ComplaintsName, period.From, period.To, ct), period);
    }

    /// <summary>The complaints about these cases recorded in the period, counted with the cases they are about.</summary>
    public static DistrictComplaints Complaints(IEnumerable<CaseService> cases, ServicePeriod period, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(period);
        return Complaints(SummaryTally.Of(ServiceSummaries.Complaints, cases, civilOffset).Read(ServiceSummaries.ComplaintsName, period.From, period.To), period);
    }

    /// <summary>
    /// The complaints from the summary's cells (month; kind, level, month of the case's previous
    /// complaint; counter): a case counts once in a group over several months, in its first month
    /// with a complaint in the period (the one whose previous complaint lies before the period).
    /// </summary>
    public static DistrictComplaints Complaints(IEnumerable<SummaryCell> cells, ServicePeriod period)
    {
        ArgumentNullException.ThrowIfNull(cells);
        ArgumentNullException.ThrowIfNull(period);
        var rows = cells
            .Select(c => (Month: c.Bucket, Kind: c.Dimensions[0], Level: Enum.Parse<ServiceLevel>(c.Dimensions[1]), Since: c.Dimensions[2], c.Counter, c.N))
            .Where(c => (period.Kind is null || c.Kind == period.Kind) && (period.Level is null || c.Level == period.Level) && period.Covers(c.Month))
            .ToList();
        bool FirstInPeriod(string since) => since.Length == 0 || (period.From is { } from && string.CompareOrdinal(since, from) < 0);
        int Complaints<T>(IEnumerable<T> group, Func<T, (string Counter, long N)> of) => (int)group.Select(of).Where(r => r.Counter == "complaints").Sum(r => r.N);
        var total = Complaints(rows, r => (r.Counter, r.N));
        return new DistrictComplaints(period.From, period.To, total,
            rows.GroupBy(x => x.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ComplaintCount(g.Key, Complaints(g, r => (r.Counter, r.N)),
                    (int)g.Where(r => r.Counter == "cases" && FirstInPeriod(r.Since)).Sum(r => r.N))).ToList(),
            rows.GroupBy(x => x.Month).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ComplaintCount(g.Key, Complaints(g, r => (r.Counter, r.N)), (int)g.Where(r => r.Counter == "cases").Sum(r => r.N))).ToList());
    }

    /// <summary>One case's deadlines read at <paramref name="now"/>, with its escalations, hand-overs and complaints; null when the district has no such case.</summary>
    public static async Task<CaseServiceReading?> CaseAsync(IQuerySession session, Guid caseId, DateTimeOffset now, RuleBook rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<CaseService>(caseId, ct) is { } service ? Read(service, now, rules) : null;
    }

    /// <summary>Reads a case's deadlines at <paramref name="now"/>, each at risk by the share its own rule version sets.</summary>
    public static CaseServiceReading Read(CaseService service, DateTimeOffset now, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(rules);
        return new CaseServiceReading(service.Id, service.Kind, service.AcceptedAt, service.Level, now,
            service.Deadlines.All.Select(d => DeadlineReading.Of(d, now, AtRiskShare(d.Rule, rules))).ToList(),
            service.Escalations, service.HandOvers, service.Complaints);
    }

    /// <summary>
    /// The share of its promised time under which a running deadline is at risk, from the rule version
    /// it was set under (its <c>atRiskShare</c> parameter); a rule that names none marks nothing at risk.
    /// </summary>
    public static decimal AtRiskShare(RuleRef rule, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(rules);
        var version = rules.All.FirstOrDefault(v => v.Id == rule.Id && v.Version == rule.Version);
        return version?.Parameters["atRiskShare"] is JsonValue value && value.TryGetValue<decimal>(out var share) ? share : 0;
    }

    private static decimal? Share(int part, int whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);
}
