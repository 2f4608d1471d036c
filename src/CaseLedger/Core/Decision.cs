namespace CaseLedger.Core;

/// <summary>Why a command was turned down. Nothing is appended for a rejected command.</summary>
/// <param name="Code">A stable, machine-readable code such as <c>renovation_vote.unknown_unit</c>.</param>
/// <param name="Reason">A sentence a clerk can read.</param>
/// <param name="Kind">What sort of refusal it is; the HTTP edge maps it to a status code.</param>
public sealed record Rejection(string Code, string Reason, RejectionKind Kind = RejectionKind.NotAllowed);

/// <summary>The sort of a rejection.</summary>
public enum RejectionKind
{
    /// <summary>The command itself is malformed or self-contradictory.</summary>
    Invalid,
    /// <summary>The case does not exist (in this district).</summary>
    NotFound,
    /// <summary>The command is well formed but the case's state or the rules do not allow it now.</summary>
    NotAllowed,
}

/// <summary>
/// The result of a pure decision: either the events to append, or a rejection. Decisions never touch
/// a session, a clock or any other I/O; the caller appends what they return.
/// </summary>
public sealed class Decision
{
    private Decision(IReadOnlyList<object> events, Rejection? rejection)
    {
        Events = events;
        Rejection = rejection;
    }

    public IReadOnlyList<object> Events { get; }

    public Rejection? Rejection { get; }

    public bool IsAccepted => Rejection is null;

    public static Decision Accept(params object[] events) => new(events, null);

    public static Decision Reject(string code, string reason, RejectionKind kind = RejectionKind.NotAllowed) =>
        new([], new Rejection(code, reason, kind));

    public static Decision Reject(Rejection rejection) => new([], rejection);

    public override string ToString() =>
        IsAccepted ? $"Accepted: {string.Join(", ", Events.Select(e => e.GetType().Name))}" : $"Rejected: {Rejection}";
}
