using CaseLedger.Rules;

namespace CaseLedger.Core.Deadlines;

/// <summary>Where a deadline stands. A breached deadline stays open until it is met (late) or cancelled.</summary>
public enum DeadlineStatus
{
    Open,
    /// <summary>Its clock is stopped (the user asked for a later visit); it cannot be breached until resumed.</summary>
    Paused,
    Met,
    Cancelled,
}

/// <summary>One deadline of a case, as its events left it.</summary>
public sealed record Deadline(
    string Key,
    string What,
    DateTimeOffset SetAt,
    DateTimeOffset DueAt,
    TimeMeasure Measure,
    TimeSpan Within,
    string? Calendar,
    RuleRef Rule,
    string Clause)
{
    public DeadlineStatus Status { get; init; } = DeadlineStatus.Open;

    public DateTimeOffset? PausedAt { get; init; }

    public string? PauseReason { get; init; }

    /// <summary>When the breach was recorded; null while the deadline has not been breached.</summary>
    public DateTimeOffset? BreachedAt { get; init; }

    public DateTimeOffset? MetAt { get; init; }

    /// <summary>Whether it was met by its due time; null until met.</summary>
    public bool? OnTime { get; init; }

    /// <summary>Still running: open or paused.</summary>
    public bool IsPending => Status is DeadlineStatus.Open or DeadlineStatus.Paused;

    /// <summary>Due at <paramref name="now"/> and not yet recorded as breached (a paused clock is never due).</summary>
    public bool FallsDueBy(DateTimeOffset now) => Status == DeadlineStatus.Open && BreachedAt is null && DueAt <= now;
}

/// <summary>
/// A case's deadlines and their states: a small immutable value a kind's state holds and folds with
/// one call (<see cref="Apply"/>), and the pure helpers its decisions use to set, meet, pause, resume
/// and cancel them. Promised times come from the rule (<see cref="PromisedTime"/>); working time is
/// counted on the city's <see cref="WorkingCalendar"/>.
/// </summary>
public sealed record DeadlineBook
{
    public static readonly DeadlineBook Empty = new();

    public IReadOnlyList<Deadline> All { get; init; } = [];

    public Deadline? this[string key] => All.LastOrDefault(d => d.Key == key);

    /// <summary>The earliest due time of an open deadline not yet breached; null when none is running.</summary>
    public DateTimeOffset? NextDue => All.Where(d => d.Status == DeadlineStatus.Open && d.BreachedAt is null).Select(d => (DateTimeOffset?)d.DueAt).Min();

    /// <summary>Folds one event; events that are not about deadlines leave the book as it is.</summary>
    public DeadlineBook Apply(object e) => e switch
    {
        DeadlineSet s => this with
        {
            All = [.. All.Where(d => d.Key != s.Key), new Deadline(s.Key, s.What, s.SetAt, s.DueAt, s.Measure, s.Within, s.Calendar, s.Rule, s.Clause)],
        },
        DeadlineMet m => Change(m.Key, d => d with { Status = DeadlineStatus.Met, MetAt = m.MetAt, OnTime = m.OnTime }),
        DeadlineCancelled c => Change(c.Key, d => d with { Status = DeadlineStatus.Cancelled }),
        DeadlinePaused p => Change(p.Key, d => d with { Status = DeadlineStatus.Paused, PausedAt = p.PausedAt, PauseReason = p.Reason }),
        DeadlineResumed r => Change(r.Key, d => d with { Status = DeadlineStatus.Open, DueAt = r.DueAt, PausedAt = null, PauseReason = null }),
        DeadlineBreached b => Change(b.Key, d => d with { BreachedAt = b.NoticedAt }),
        _ => this,
    };

    /// <summary>
    /// Sets (or sets again) the deadline <paramref name="key"/>: <paramref name="what"/> is due
    /// <paramref name="promise"/>'s time after <paramref name="now"/>, counted in its measure.
    /// </summary>
    public static DeadlineSet Set(Guid caseId, string key, string what, PromisedTime promise, RuleRef rule, DateTimeOffset now, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(promise);
        ArgumentNullException.ThrowIfNull(rules);
        var due = promise.Measure switch
        {
            TimeMeasure.Working => CalendarOf(promise.Calendar, rules).Add(now, promise.Within),
            TimeMeasure.SameDay => SameDay(now, promise.Within, rules.UtcOffset),
            _ => now + promise.Within,
        };
        return new DeadlineSet(caseId, key, what, now, due, promise.Measure, promise.Within, promise.Calendar, rule, promise.Clause);
    }

    /// <summary>The time of day <paramref name="by"/> (civil time) on the civil day of <paramref name="now"/>, or of the next day once it has passed.</summary>
    public static DateTimeOffset SameDay(DateTimeOffset now, TimeSpan by, TimeSpan civilOffset)
    {
        var civil = now.ToOffset(civilOffset);
        var due = new DateTimeOffset(civil.Date + by, civilOffset);
        return due >= civil ? due : due.AddDays(1);
    }

    /// <summary>
    /// The last moment before <paramref name="step"/>: how far time passes before a step is taken when a
    /// history is replayed, so that a deadline due before the step is breached first, at its own due
    /// time, and one due at the very moment of the step is met by it, on time (<see cref="Meet"/>).
    /// </summary>
    public static DateTimeOffset JustBefore(DateTimeOffset step) => step.AddTicks(-1);

    /// <summary>Meets a running deadline at <paramref name="now"/> (on time or late); null when it is not running.</summary>
    public DeadlineMet? Meet(Guid caseId, string key, DateTimeOffset now) =>
        this[key] is { IsPending: true } d
            ? new DeadlineMet(caseId, key, d.What, d.DueAt, now, d.BreachedAt is null && now <= d.DueAt, d.Clause)
            : null;

    /// <summary>Cancels a running deadline; null when it is not running.</summary>
    public DeadlineCancelled? Cancel(Guid caseId, string key, string reason, DateTimeOffset now) =>
        this[key] is { IsPending: true } ? new DeadlineCancelled(caseId, key, reason, now) : null;

    /// <summary>Stops an open deadline's clock; null when it is not open.</summary>
    public DeadlinePaused? Pause(Guid caseId, string key, string reason, DateTimeOffset now) =>
        this[key] is { Status: DeadlineStatus.Open } ? new DeadlinePaused(caseId, key, reason, now) : null;

    /// <summary>
    /// Starts a paused deadline's clock again: the time that was left when it paused is left again
    /// now, in the deadline's own measure (working time left stays working time). Null when it is not paused.
    /// </summary>
    public DeadlineResumed? Resume(Guid caseId, string key, DateTimeOffset now, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(rules);
        if (this[key] is not { Status: DeadlineStatus.Paused, PausedAt: { } pausedAt } d)
        {
            return null;
        }

        var at = now < pausedAt ? pausedAt : now;
        DateTimeOffset due;
        if (d.Measure == TimeMeasure.Working)
        {
            var calendar = CalendarOf(d.Calendar, rules);
            due = calendar.Add(at, calendar.Between(pausedAt, d.DueAt));
        }
        else
        {
            due = d.DueAt + (at - pausedAt);
        }

        return new DeadlineResumed(caseId, key, now, due);
    }

    /// <summary>A breach for every open deadline due by <paramref name="now"/> and not yet recorded as breached, earliest first.</summary>
    public IReadOnlyList<DeadlineBreached> BreachesBy(Guid caseId, DateTimeOffset now) =>
        All.Where(d => d.FallsDueBy(now)).OrderBy(d => d.DueAt)
            .Select(d => new DeadlineBreached(caseId, d.Key, d.What, d.DueAt, now, d.Clause)).ToList();

    private DeadlineBook Change(string key, Func<Deadline, Deadline> change) =>
        this with { All = All.Select(d => d.Key == key ? change(d) : d).ToList() };

    private static WorkingCalendar CalendarOf(string? city, RuleBook rules) =>
        rules.Calendar(city ?? throw new RuleBookException("A promised time in working time names its city's calendar (calendar)."));
}

/// <summary>Implemented by the state of a kind that keeps deadlines, so the pipeline can find what falls due.</summary>
public interface IHoldsDeadlines
{
    DeadlineBook Deadlines { get; }
}

/// <summary>
/// How many of some deadlines were settled (met, or breached) and how many of those were met on
/// time: what an on-time rate is made of. A cancelled deadline, or one still running unbreached, is
/// not counted; a deadline breached and then met late counts once, as not on time.
/// </summary>
public sealed record PromisesKept(int Settled, int OnTime)
{
    public static readonly PromisesKept None = new(0, 0);

    /// <summary>The share met on time, to four places; null when none was settled.</summary>
    [Fraction]
    public decimal? Rate => Settled == 0 ? null : Math.Round((decimal)OnTime / Settled, 4);

    public static PromisesKept operator +(PromisesKept a, PromisesKept b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return new(a.Settled + b.Settled, a.OnTime + b.OnTime);
    }

    /// <summary>Folds a case's events into its deadline book and counts its settled deadlines.</summary>
    public static PromisesKept Of(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        var book = events.Aggregate(DeadlineBook.Empty, (b, e) => b.Apply(e));
        var settled = book.All.Where(d => d.Status != DeadlineStatus.Cancelled && (d.MetAt is not null || d.BreachedAt is not null)).ToList();
        return new(settled.Count, settled.Count(d => d.OnTime == true));
    }
}
