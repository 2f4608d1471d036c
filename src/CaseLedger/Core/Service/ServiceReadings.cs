using System.Globalization;
using System.Text.Json.Nodes;
using CaseLedger.Core.Deadlines;
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
    public static async Task<DistrictOnTimeRate> OnTimeRateAsync(IQuerySession session, ServicePeriod period, RuleBook rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return OnTimeRate(await CasesAsync(session, period, ct), period, rules.UtcOffset);
    }

    /// <summary>
    /// The on-time rate of these cases in the period: a deadline counts once it is settled (met on
    /// time, met late, or breached), in the month it fell due; a cancelled or running one does not.
    /// </summary>
    public static DistrictOnTimeRate OnTimeRate(IEnumerable<CaseService> cases, ServicePeriod period, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(period);
        var settled = cases
            .Where(c => period.Level is null || c.AcceptedAt == period.Level)
            .SelectMany(c => c.Deadlines.All.Where(DeadlineReading.IsSettled).Select(d => (c.Kind, Level: c.AcceptedAt, Month: Month(d.DueAt, civilOffset),
                OnTime: d is { Status: DeadlineStatus.Met, OnTime: true }, MetLate: d is { Status: DeadlineStatus.Met, OnTime: not true })))
            .Where(s => period.Covers(s.Month))
            .ToList();
        OnTimeCount Count(string key, IEnumerable<(string Kind, ServiceLevel Level, string Month, bool OnTime, bool MetLate)> group)
        {
            var all = group.ToList();
            var onTime = all.Count(s => s.OnTime);
            return new OnTimeCount(key, all.Count, onTime, all.Count(s => s.MetLate), all.Count(s => !s.OnTime && !s.MetLate), Share(onTime, all.Count));
        }

        return new DistrictOnTimeRate(period.From, period.To, Count("all", settled),
            settled.GroupBy(s => s.Month).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, g)).ToList(),
            settled.GroupBy(s => s.Kind).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Count(g.Key, g)).ToList(),
            settled.GroupBy(s => s.Level).OrderBy(g => g.Key).Select(g => Count(ServicePeriod.LevelName(g.Key), g)).ToList(),
            settled.GroupBy(s => (s.Month, s.Kind, s.Level))
                .OrderBy(g => g.Key.Month, StringComparer.Ordinal).ThenBy(g => g.Key.Kind, StringComparer.Ordinal).ThenBy(g => g.Key.Level)
                .Select(g => new OnTimeCell(g.Key.Month, g.Key.Kind, g.Key.Level, g.Count(), g.Count(s => s.OnTime), Share(g.Count(s => s.OnTime), g.Count())))
                .ToList());
    }

    public static async Task<DistrictComplaints> ComplaintsAsync(IQuerySession session, ServicePeriod period, RuleBook rules, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return Complaints(await CasesAsync(session, period, ct), period, rules.UtcOffset);
    }

    /// <summary>The complaints about these cases recorded in the period, counted with the cases they are about.</summary>
    public static DistrictComplaints Complaints(IEnumerable<CaseService> cases, ServicePeriod period, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(cases);
        ArgumentNullException.ThrowIfNull(period);
        var complaints = cases
            .Where(c => period.Level is null || c.AcceptedAt == period.Level)
            .SelectMany(c => c.Complaints.Select(x => (Case: c.Id, c.Kind, Month: Month(x.At, civilOffset))))
            .Where(x => period.Covers(x.Month))
            .ToList();
        return new DistrictComplaints(period.From, period.To, complaints.Count,
            complaints.GroupBy(x => x.Kind).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ComplaintCount(g.Key, g.Count(), g.Select(x => x.Case).Distinct().Count())).ToList(),
            complaints.GroupBy(x => x.Month).OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new ComplaintCount(g.Key, g.Count(), g.Select(x => x.Case).Distinct().Count())).ToList());
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

    private static async Task<IReadOnlyList<CaseService>> CasesAsync(IQuerySession session, ServicePeriod period, CancellationToken ct)
    {
        IQueryable<CaseService> query = session.Query<CaseService>();
        if (period.Kind is { } kind)
        {
            query = query.Where(c => c.Kind == kind);
        }

        return await query.ToListAsync(ct);
    }

    private static string Month(DateTimeOffset at, TimeSpan civilOffset) => at.ToOffset(civilOffset).ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static decimal? Share(int part, int whole) =>
        whole == 0 ? null : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);
}
