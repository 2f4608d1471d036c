namespace CaseLedger.Core.Deadlines;

/// <summary>
/// One deadline as read at a moment: its state in words (<c>due</c>, <c>at-risk</c>, <c>breached</c>,
/// <c>met</c>, <c>met-late</c>, <c>paused</c>, <c>cancelled</c>) and, while it runs, the time left
/// (negative once past due). Worked out when read, from the clock, and never stored: a stored
/// countdown would be wrong a minute later and different on every rebuild.
/// </summary>
public sealed record DeadlineReading(
    string Key,
    string What,
    string Clause,
    DateTimeOffset DueAt,
    string State,
    TimeSpan? TimeLeft,
    DateTimeOffset? MetAt,
    DateTimeOffset? BreachedAt)
{
    /// <summary>
    /// Reads a deadline at <paramref name="now"/>: at risk while it runs with less than
    /// <paramref name="atRiskShare"/> of its promised time left (calendar time to its due time).
    /// </summary>
    public static DeadlineReading Of(Deadline deadline, DateTimeOffset now, decimal atRiskShare)
    {
        ArgumentNullException.ThrowIfNull(deadline);
        var running = deadline.Status == DeadlineStatus.Open;
        var left = deadline.DueAt - now;
        var state = deadline.Status switch
        {
            DeadlineStatus.Met => deadline.OnTime == true ? "met" : "met-late",
            DeadlineStatus.Cancelled => "cancelled",
            DeadlineStatus.Paused => "paused",
            _ when deadline.BreachedAt is not null || left < TimeSpan.Zero => "breached",
            _ when left.Ticks < (long)(deadline.Within.Ticks * (double)atRiskShare) => "at-risk",
            _ => "due",
        };
        return new DeadlineReading(deadline.Key, deadline.What, deadline.Clause, deadline.DueAt, state, running ? left : null, deadline.MetAt,
            deadline.BreachedAt);
    }

    /// <summary>Whether the deadline is settled for an on-time rate: met (on time or late) or breached.</summary>
    public static bool IsSettled(Deadline deadline) =>
        deadline is { Status: DeadlineStatus.Met } or { BreachedAt: not null, Status: not DeadlineStatus.Cancelled };
}
