namespace CaseLedger.Core;

/// <summary>What became of a command: the case's version after it, the events appended, or the rejection.</summary>
public sealed record CommandOutcome(Guid CaseId, long Version, IReadOnlyList<string> Appended, Rejection? Rejection)
{
    public bool IsAccepted => Rejection is null;

    public static CommandOutcome Accepted(Guid caseId, long version, IEnumerable<object> events) =>
        new(caseId, version, events.Select(e => e.GetType().Name).ToList(), null);

    public static CommandOutcome Rejected(Guid caseId, Rejection rejection) => new(caseId, 0, [], rejection);
}
