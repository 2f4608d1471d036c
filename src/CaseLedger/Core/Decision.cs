namespace CaseLedger.Core;

/// <summary>
/// One clause of a rule as applied to a case: its stable id (e.g. <c>renovation-vote.consent.area</c>),
/// what it asks, whether it was met, and the figures it was decided on. Decisions record these so an
/// auditor sees why, and a rule author sees which clauses a case exercised.
/// </summary>
public sealed record CriterionResult(string Clause, string Requirement, bool Met, string Detail);

/// <summary>Implemented by events that record the clauses their decision was taken on.</summary>
public interface IRecordsClauses
{
    IEnumerable<CriterionResult> Clauses { get; }
}

/// <summary>Why a command was turned down. Nothing is appended for a rejected command.</summary>
/// <param name="Code">A stable, machine-readable code such as <c>renovation_vote.unknown_unit</c>.</param>
/// <param name="Reason">A sentence a clerk can read.</param>
/// <param name="Kind">What sort of refusal it is; the HTTP edge maps it to a status code.</param>
public sealed record Rejection(string Code, string Reason, RejectionKind Kind = RejectionKind.NotAllowed);

/// <summary>
/// A refusal a decision can give: its stable code and its sort, declared once as a static field of
/// the decision class that gives it (<c>static readonly Refusal NotOwner = new("renovation_vote.not_owner");</c>)
/// and given with a reason (<see cref="Because"/>), so the codes a kind can answer with are known
/// without running it (<see cref="CaseKind.Refusals"/>).
/// </summary>
public sealed record Refusal(string Code, RejectionKind Kind = RejectionKind.NotAllowed)
{
    /// <summary>This refusal, with the sentence that says why in this case.</summary>
    public Rejection Because(string reason) => new(Code, reason, Kind);
}

/// <summary>The sort of a rejection.</summary>
public enum RejectionKind
{
    /// <summary>The command itself is malformed or self-contradictory.</summary>
    Invalid,
    /// <summary>The case does not exist (in this district).</summary>
    NotFound,
    /// <summary>The command is well formed but the case's state or the rules do not allow it now.</summary>
    NotAllowed,
    /// <summary>The case already exists, or another write to it won (a lost race on opening).</summary>
    Conflict,
    /// <summary>The caller's expected version (<c>If-Match</c>) is not the case's version any more.</summary>
    Stale,
    /// <summary>The acting person's role may not do this, or not for this person.</summary>
    Forbidden,
}

/// <summary>
/// The result of a pure decision: either the events to append, or a rejection; in both cases the
/// clauses it evaluated. Decisions never touch a session, a clock or any other I/O; the pipeline
/// appends what they return.
/// </summary>
public sealed class Decision
{
    private readonly IReadOnlyList<CriterionResult>? _clauses;

    private Decision(IReadOnlyList<object> events, Rejection? rejection, IReadOnlyList<CriterionResult>? clauses)
    {
        Events = events;
        Rejection = rejection;
        _clauses = clauses;
    }

    public IReadOnlyList<object> Events { get; }

    public Rejection? Rejection { get; }

    public bool IsAccepted => Rejection is null;

    /// <summary>
    /// Every clause the decision evaluated: those given with <see cref="WithClauses"/>, or else those
    /// its events record. A refusal records nothing, so its clauses are known only from here.
    /// </summary>
    public IReadOnlyList<CriterionResult> Clauses =>
        _clauses ?? Events.OfType<IRecordsClauses>().SelectMany(e => e.Clauses).ToList();

    public static Decision Accept(params object[] events) => new(events, null, null);

    public static Decision Reject(string code, string reason, RejectionKind kind = RejectionKind.NotAllowed) =>
        new([], new Rejection(code, reason, kind), null);

    public static Decision Reject(Rejection rejection) => new([], rejection, null);

    /// <summary>A declared refusal, with the sentence that says why in this case.</summary>
    public static Decision Reject(Refusal refusal, string reason)
    {
        ArgumentNullException.ThrowIfNull(refusal);
        return new([], refusal.Because(reason), null);
    }

    /// <summary>The same decision, saying which clauses it evaluated (a refusal's included).</summary>
    public Decision WithClauses(IEnumerable<CriterionResult> clauses) => new(Events, Rejection, clauses.ToList());

    public override string ToString() =>
        IsAccepted ? $"Accepted: {string.Join(", ", Events.Select(e => e.GetType().Name))}" : $"Rejected: {Rejection}";
}
