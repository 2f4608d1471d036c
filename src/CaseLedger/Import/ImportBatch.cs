using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Summaries;
using CaseLedger.Core.Vouching;
using JasperFx.Events;

namespace CaseLedger.Import;

/// <summary>
/// One case decided again, as it is to be written: its events, of which the first <see cref="Own"/>
/// are its kind's own and the rest the core's case-wide events that end it (a hand-over, a complaint),
/// appended after the batch's own events as the pipeline appends them.
/// </summary>
internal sealed record DecidedCase(ImportCase Case, IReadOnlyList<RecordedEvent> Events, int Own)
{
    public static DecidedCase Of(ImportCase imported, IReadOnlyList<RecordedEvent> events)
    {
        var own = events.Count;
        while (own > 1 && !imported.Kind.Declares(events[own - 1].Data.GetType()))
        {
            own--;
        }

        return new DecidedCase(imported, events, own);
    }
}

/// <summary>
/// A batch of whole cases decided again, written in one transaction: the cases, the checks of their
/// deadlines still running, and what their documents add to the district's summaries.
/// </summary>
internal sealed record ImportBatch(IReadOnlyList<DecidedCase> Cases, IReadOnlyList<DeadlineFallsDue> Due, SummaryTally Summaries, string Source)
{
    public long Events => Cases.Sum(c => (long)c.Events.Count);

    /// <summary>The metadata the pipeline stamps on an event (<see cref="Acting.ApplyTo"/>), with the recorded time, and the digests of what it leaves.</summary>
    public void Stamp(IEvent e, RecordedEvent recorded, CaseKind kind, DigestHeader digests)
    {
        ArgumentNullException.ThrowIfNull(e);
        ArgumentNullException.ThrowIfNull(recorded);
        ArgumentNullException.ThrowIfNull(kind);
        e.Timestamp = recorded.Timestamp.ToUniversalTime();
        e.UserName = recorded.Actor;
        e.SetHeader(CaseHeaders.Channel, recorded.Channel);
        e.SetHeader(CaseHeaders.Role, recorded.Role);
        if (recorded.Institution is not null)
        {
            e.SetHeader(CaseHeaders.Institution, recorded.Institution);
        }

        if (recorded.OnBehalfOf is not null)
        {
            e.SetHeader(CaseHeaders.OnBehalfOf, recorded.OnBehalfOf);
        }

        if (recorded.Rule is not null)
        {
            e.SetHeader(CaseHeaders.Rule, recorded.Rule);
        }

        if (kind.KeepsDeadlines)
        {
            e.SetHeader(CaseHeaders.Kind, kind.Name);
        }

        e.SetHeader(CaseHeaders.Imported, Source);
        e.SetHeader(DigestHeader.Name, digests);
    }
}
