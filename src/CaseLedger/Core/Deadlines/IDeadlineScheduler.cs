using Marten;

namespace CaseLedger.Core.Deadlines;

/// <summary>
/// Schedules the check of each deadline a command sets or resumes, for its due time, in the
/// command's own transaction: the events and their scheduled checks are committed together or not
/// at all. The host's is a Wolverine durable scheduled message (it survives a restart).
/// </summary>
public interface IDeadlineScheduler
{
    Task ScheduleAsync(IDocumentSession session, string district, IReadOnlyList<DeadlineFallsDue> due, CancellationToken ct);
}
