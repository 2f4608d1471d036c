namespace CaseLedger.Core.Service;

/// <summary>
/// A complaint about a case that could not be done, brought to the "window for things that could not
/// be done" by <paramref name="Complainant"/> and entered by a clerk on their behalf.
/// </summary>
public sealed record RecordComplaint(string Complainant, string Complaint);

/// <summary>The decision on a complaint, for a case of any kind.</summary>
public static class RecordingAComplaint
{
    /// <summary>The longest complaint accepted.</summary>
    public const int MaxComplaintLength = 2000;

    /// <summary>The longest complainant's name accepted (as long as an actor's).</summary>
    public const int MaxComplainantLength = 200;

    /// <summary>The code, as a constant the HTTP edge's problem list names too.</summary>
    public const string ComplaintInvalidCode = "complaint.text_invalid";

    public static readonly Refusal ComplaintInvalid = new(ComplaintInvalidCode, RejectionKind.Invalid);

    /// <summary>Who may record a complaint: the clerks at the window, and administrators.</summary>
    public static readonly IReadOnlyList<Role> AllowedRoles = [Role.Clerk, Role.Administrator];

    public static Decision Decide(RecordComplaint command, Guid caseId, string kind, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        if (command.Complainant?.Trim() is not { Length: > 0 and <= MaxComplainantLength } complainant
            || command.Complaint?.Trim() is not { Length: > 0 and <= MaxComplaintLength } complaint)
        {
            return Decision.Reject(ComplaintInvalid,
                $"Name the complainant (1 to {MaxComplainantLength} characters) and say what could not be done (1 to {MaxComplaintLength}).");
        }

        return Decision.Accept(new ComplaintRecorded(caseId, kind, complainant, complaint, now));
    }
}
