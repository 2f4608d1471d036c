using Marten;

namespace CaseLedger.Core;

/// <summary>
/// The one place commands meet the store: load the case's state, run the kind's pure decision, and
/// append what it returns with the acting context as metadata. A rejection appends nothing.
/// </summary>
public static class CaseCommands
{
    // Marten's name for the tenant a session gets when none was given.
    private const string NoDistrict = "*DEFAULT*";

    /// <summary>Starts a new case stream with the events of an opening decision.</summary>
    public static async Task<CommandOutcome> StartAsync<TState>(
        IDocumentSession session, Guid caseId, Acting acting, Func<Decision> decide, CancellationToken ct = default)
        where TState : class, ICaseState
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(acting);
        ArgumentNullException.ThrowIfNull(decide);
        if (Precheck(session, caseId, acting) is { } refused)
        {
            return CommandOutcome.Rejected(caseId, refused);
        }

        var decision = decide();
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Rejected(caseId, rejection);
        }

        acting.ApplyTo(session, RuleOf(decision.Events));
        session.Events.StartStream<TState>(caseId, decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        return CommandOutcome.Accepted(caseId, decision.Events.Count, decision.Events);
    }

    /// <summary>
    /// Runs a decision against an existing case. With <paramref name="expectedVersion"/> the write
    /// only succeeds if nobody appended to the case since the caller read it.
    /// </summary>
    public static async Task<CommandOutcome> ExecuteAsync<TState>(
        IDocumentSession session, Guid caseId, long? expectedVersion, Acting acting, Func<TState, Decision> decide,
        CancellationToken ct = default)
        where TState : class, ICaseState
    {
        ArgumentNullException.ThrowIfNull(session);
        ArgumentNullException.ThrowIfNull(acting);
        ArgumentNullException.ThrowIfNull(decide);
        if (Precheck(session, caseId, acting) is { } refused)
        {
            return CommandOutcome.Rejected(caseId, refused);
        }

        var stream = expectedVersion is { } expected
            ? await session.Events.FetchForWriting<TState>(caseId, expected, ct)
            : await session.Events.FetchForWriting<TState>(caseId, ct);
        if (stream.Aggregate is not { } state)
        {
            return CommandOutcome.Rejected(caseId, NotFound(caseId));
        }

        var decision = decide(state);
        if (decision.Rejection is { } rejection)
        {
            return CommandOutcome.Rejected(caseId, rejection);
        }

        if (decision.Events.Count == 0)
        {
            return CommandOutcome.Accepted(caseId, stream.CurrentVersion ?? stream.StartingVersion ?? 0, []);
        }

        acting.ApplyTo(session, state.Rule);
        stream.AppendMany(decision.Events.ToArray());
        await session.SaveChangesAsync(ct);
        return CommandOutcome.Accepted(caseId, (stream.StartingVersion ?? 0) + decision.Events.Count, decision.Events);
    }

    /// <summary>The rejection for a case that does not exist in the session's district.</summary>
    public static Rejection NotFound(Guid caseId) =>
        new("case.not_found", $"No case {caseId} exists in this district.", RejectionKind.NotFound);

    private static Rejection? Precheck(IDocumentSession session, Guid caseId, Acting acting)
    {
        if (string.IsNullOrWhiteSpace(session.TenantId) || session.TenantId == NoDistrict)
        {
            return new Rejection("case.district_missing", "Every case belongs to a district: name one.", RejectionKind.Invalid);
        }

        if (caseId == Guid.Empty)
        {
            return new Rejection("case.id_missing", "A case id is required.", RejectionKind.Invalid);
        }

        return acting.Validate();
    }

    private static Rules.RuleRef? RuleOf(IEnumerable<object> events) =>
        events.OfType<IOpensCase>().Select(e => e.Rule).FirstOrDefault();
}

/// <summary>Implemented by a kind's opening event, so the shared plumbing can read the case's basics.</summary>
public interface IOpensCase
{
    Rules.RuleRef Rule { get; }

    Channel Channel { get; }

    DateTimeOffset OpenedAt { get; }
}
