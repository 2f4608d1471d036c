namespace CaseLedger.Core.Service;

/// <summary>
/// Hand a case from one service level to a higher one (a village station to the township centre or
/// the district centre, a township centre to the district centre), naming both offices and why.
/// </summary>
public sealed record HandOverCase(ServiceLevel From, string FromOffice, ServiceLevel To, string ToOffice, string Reason);

/// <summary>The decision on a hand-over, for a case of any kind: a pure function of the case's service record.</summary>
public static class HandingOver
{
    /// <summary>The longest office name or reason accepted: a name and a sentence or two, not a document.</summary>
    public const int MaxTextLength = 500;

    // The codes, as constants the HTTP edge's problem lists name too.
    public const string TextInvalidCode = "hand_over.text_invalid";
    public const string NotUpwardCode = "hand_over.not_upward";
    public const string NotAtLevelCode = "hand_over.not_at_level";

    public static readonly Refusal TextMissing = new(TextInvalidCode, RejectionKind.Invalid);
    public static readonly Refusal NotUpward = new(NotUpwardCode);
    public static readonly Refusal NotAtLevel = new(NotAtLevelCode, RejectionKind.Conflict);

    /// <summary>Who may record a hand-over: the clerks who pass the case on, and administrators.</summary>
    public static readonly IReadOnlyList<Role> AllowedRoles = [Role.Clerk, Role.Administrator];

    public static Decision Decide(HandOverCase command, CaseService? service, Guid caseId, string kind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (!IsText(command.FromOffice) || !IsText(command.ToOffice) || !IsText(command.Reason))
        {
            return Decision.Reject(TextMissing, $"Name both offices and the reason, each in 1 to {MaxTextLength} characters.");
        }

        if (command.To <= command.From)
        {
            return Decision.Reject(NotUpward,
                $"A case is handed up, to a higher level: not from the {ServiceEvents.Words(command.From)} to the {ServiceEvents.Words(command.To)}.");
        }

        // The first hand-over says where the case was accepted; each later one starts where the last one ended.
        if (service is { HandOvers.Count: > 0 } && service.Level != command.From)
        {
            return Decision.Reject(NotAtLevel, $"The case is at the {ServiceEvents.Words(service.Level)}, not at the {ServiceEvents.Words(command.From)}.");
        }

        return Decision.Accept(new CaseHandedOver(caseId, kind, command.From, command.FromOffice.Trim(), command.To, command.ToOffice.Trim(),
            command.Reason.Trim(), now));
    }

    internal static bool IsText(string? text) => text?.Trim() is { Length: > 0 and <= MaxTextLength };
}
