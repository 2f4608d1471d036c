using JasperFx.Events;
using Marten;
using Marten.Events.Aggregation;

namespace CaseLedger.Core.Deadlines;

/// <summary>
/// A case's deadlines, kept per case for every kind that keeps deadlines, in the same transaction as
/// their events: what the sweep looks through for deadlines past due (<see cref="NextDue"/>), and
/// what a read of a case's deadlines shows (time left is worked out when read, never stored).
/// </summary>
public sealed record CaseDeadlines
{
    /// <summary>The case's id.</summary>
    public Guid Id { get; init; }

    /// <summary>The kind of the case, from the events' <c>kind</c> header.</summary>
    public string Kind { get; init; } = "";

    public DeadlineBook Book { get; init; } = DeadlineBook.Empty;

    /// <summary>The earliest due time of a deadline still running and not yet breached; null when there is none.</summary>
    public DateTimeOffset? NextDue { get; init; }

    public static CaseDeadlines? Fold(CaseDeadlines? current, object e)
    {
        if (e is not IDeadlineEvent deadline)
        {
            return current;
        }

        var book = (current?.Book ?? DeadlineBook.Empty).Apply(e);
        return new CaseDeadlines { Id = deadline.CaseId, Kind = current?.Kind ?? "", Book = book, NextDue = book.NextDue };
    }

    /// <summary>Keeps these documents with an inline projection of the core deadline events, indexed by the next due time.</summary>
    internal static void Register(StoreOptions options)
    {
        options.Projections.Add(new CaseDeadlinesProjection(), JasperFx.Events.Projections.ProjectionLifecycle.Inline);
        options.Schema.For<CaseDeadlines>().Index(d => d.NextDue);
    }
}

/// <summary>Keeps <see cref="CaseDeadlines"/> from the core deadline events, with the kind their header names.</summary>
public sealed class CaseDeadlinesProjection : SingleStreamProjection<CaseDeadlines, Guid>
{
    public CaseDeadlinesProjection()
    {
        foreach (var (type, _, _) in DeadlineEvents.All)
        {
            IncludeType(type);
        }
    }

    public override CaseDeadlines? Evolve(CaseDeadlines? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return CaseDeadlines.Fold(snapshot, e.Data) is { } folded
            ? folded with { Kind = EventMetadata.Header(e, CaseHeaders.Kind) ?? folded.Kind }
            : null;
    }
}
