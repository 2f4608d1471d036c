using CaseLedger.Rules;

namespace CaseLedger.Core.Deadlines;

// A case's deadlines are facts in its own stream, so they are in the audit trail, the hash chain and
// the bundles like any other event. Every kind that keeps deadlines records the same events under
// the same stable names (CaseKind<TState>.KeepsDeadlines).

/// <summary>An event about one of a case's deadlines, named by its key (e.g. <c>contact</c>).</summary>
public interface IDeadlineEvent
{
    Guid CaseId { get; }

    string Key { get; }
}

/// <summary>
/// A deadline was set: <paramref name="What"/> is due at <paramref name="DueAt"/>, which is
/// <paramref name="Within"/> after <paramref name="SetAt"/> in the deadline's <paramref name="Measure"/>
/// (working time on <paramref name="Calendar"/>'s calendar), under rule <paramref name="Rule"/>, clause <paramref name="Clause"/>.
/// </summary>
public sealed record DeadlineSet(
    Guid CaseId,
    string Key,
    string What,
    DateTimeOffset SetAt,
    DateTimeOffset DueAt,
    TimeMeasure Measure,
    TimeSpan Within,
    string? Calendar,
    RuleRef Rule,
    string Clause) : IDeadlineEvent;

/// <summary>What was due was done, at <paramref name="MetAt"/>: on time, or late (after <paramref name="DueAt"/>).</summary>
public sealed record DeadlineMet(Guid CaseId, string Key, string What, DateTimeOffset DueAt, DateTimeOffset MetAt, bool OnTime, string Clause)
    : IDeadlineEvent, IRecordsClauses
{
    public IEnumerable<CriterionResult> Clauses =>
        [new(Clause, $"{What} by the time promised", OnTime, OnTime ? $"done at {MetAt:u}, due {DueAt:u}" : $"done late at {MetAt:u}, due {DueAt:u}")];
}

/// <summary>The deadline no longer applies (the order was re-dispatched, withdrawn, ...), for the reason given.</summary>
public sealed record DeadlineCancelled(Guid CaseId, string Key, string Reason, DateTimeOffset CancelledAt) : IDeadlineEvent;

/// <summary>The deadline's clock stopped at <paramref name="PausedAt"/> (the user asked for a later visit, ...), for the reason given.</summary>
public sealed record DeadlinePaused(Guid CaseId, string Key, string Reason, DateTimeOffset PausedAt) : IDeadlineEvent;

/// <summary>The clock runs again; the deadline now falls due at <paramref name="DueAt"/>, later by the paused span in its own measure.</summary>
public sealed record DeadlineResumed(Guid CaseId, string Key, DateTimeOffset ResumedAt, DateTimeOffset DueAt) : IDeadlineEvent;

/// <summary>
/// What was due was not done by <paramref name="DueAt"/>. <paramref name="NoticedAt"/> is when CaseLedger
/// recorded it: the due time itself when its scheduled check ran on time, later when the host was
/// down then (a breach recorded late says both).
/// </summary>
public sealed record DeadlineBreached(Guid CaseId, string Key, string What, DateTimeOffset DueAt, DateTimeOffset NoticedAt, string Clause)
    : IDeadlineEvent, IRecordsClauses
{
    public IEnumerable<CriterionResult> Clauses => [new(Clause, $"{What} by the time promised", false, $"not done by {DueAt:u}")];
}

/// <summary>
/// The case was escalated to <paramref name="Level"/> (a kind's own levels: team leader, service
/// supervisor, street office), for <paramref name="Reason"/>; <paramref name="Key"/> names the deadline
/// whose breach escalated it, if one did.
/// </summary>
public sealed record CaseEscalated(Guid CaseId, string Key, int Level, string To, string Reason, DateTimeOffset EscalatedAt) : IDeadlineEvent;

/// <summary>
/// The message a deadline schedules for its due time (a Wolverine durable scheduled message): when it
/// arrives, the case's open deadlines that are due are recorded as breached.
/// </summary>
public sealed record DeadlineFallsDue(string Kind, Guid CaseId, string Key, DateTimeOffset DueAt);

/// <summary>The core events' stable names and audit lines, the same for every kind.</summary>
public static class DeadlineEvents
{
    internal static IEnumerable<(Type Type, string Name, Func<object, EventDescription> Describe)> All =>
    [
        (typeof(DeadlineSet), "deadline.set.v1", e => e is DeadlineSet s
            ? new($"Deadline {s.Key} set: {s.What} due {s.DueAt:yyyy-MM-dd HH:mm zzz} ({new PromisedTime { Within = s.Within, Measure = s.Measure, Clause = s.Clause }.Words}, {s.Clause})", IsDecision: true)
            : new("")),
        (typeof(DeadlineMet), "deadline.met.v1", e => e is DeadlineMet m
            ? new($"Deadline {m.Key} met {(m.OnTime ? "on time" : "late")}: {m.What} at {m.MetAt:yyyy-MM-dd HH:mm zzz}, due {m.DueAt:yyyy-MM-dd HH:mm zzz}", IsDecision: true)
            : new("")),
        (typeof(DeadlineCancelled), "deadline.cancelled.v1", e => e is DeadlineCancelled c ? new($"Deadline {c.Key} cancelled: {c.Reason}") : new("")),
        (typeof(DeadlinePaused), "deadline.paused.v1", e => e is DeadlinePaused p ? new($"Deadline {p.Key} paused: {p.Reason}") : new("")),
        (typeof(DeadlineResumed), "deadline.resumed.v1", e => e is DeadlineResumed r
            ? new($"Deadline {r.Key} resumed, now due {r.DueAt:yyyy-MM-dd HH:mm zzz}") : new("")),
        (typeof(DeadlineBreached), "deadline.breached.v1", e => e is DeadlineBreached b
            ? new(b.NoticedAt > b.DueAt
                ? $"Deadline {b.Key} breached: {b.What} was due {b.DueAt:yyyy-MM-dd HH:mm zzz}, noticed {b.NoticedAt:yyyy-MM-dd HH:mm zzz}"
                : $"Deadline {b.Key} breached: {b.What} was due {b.DueAt:yyyy-MM-dd HH:mm zzz}", IsDecision: true)
            : new("")),
        (typeof(CaseEscalated), "deadline.escalated.v1", e => e is CaseEscalated x ? new($"Escalated to {x.To} (level {x.Level}): {x.Reason}", IsDecision: true) : new("")),
    ];
}
