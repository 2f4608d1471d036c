namespace CaseLedger.Core.Service;

/// <summary>
/// A command of the core that any case takes, whatever its kind (a hand-over, a complaint): declared
/// once here rather than by each kind, so no two kinds can declare it and no kind writes a line for it.
/// </summary>
/// <param name="Name">Its name in seed files, e.g. <c>hand-over</c>.</param>
/// <param name="Action">What it does, for refusals ("a clerk may not ...").</param>
/// <param name="Segment">Its route under a case: <c>/districts/{d}/cases/{id}/{segment}</c>.</param>
/// <param name="CommandType">The command record a client sends.</param>
/// <param name="AllowedRoles">Who may send it.</param>
/// <param name="PersonOf">The person it is for (a complainant), recorded as on whose behalf a clerk acts.</param>
/// <param name="Decide">The pure decision: the command, the case's service record (null before any), the kind's name, the context.</param>
public sealed record CaseWideCommand(
    string Name,
    string Action,
    string Segment,
    Type CommandType,
    IReadOnlyList<Role> AllowedRoles,
    Func<object, string?> PersonOf,
    Func<object, CaseService?, string, CommandContext, Decision> Decide);

/// <summary>The core's case-wide commands, the one list the pipeline, the HTTP edge and seed files read.</summary>
public static class CaseWideCommands
{
    public static readonly CaseWideCommand HandOver = new("hand-over", "hand over a case", "hand-overs", typeof(HandOverCase), HandingOver.AllowedRoles,
        _ => null, (command, service, kind, context) => HandingOver.Decide((HandOverCase)command, service, context.CaseId, kind, context.Now));

    public static readonly CaseWideCommand Complaint = new("record-complaint", "record a complaint", "complaints", typeof(RecordComplaint),
        RecordingAComplaint.AllowedRoles, command => ((RecordComplaint)command).Complainant,
        (command, _, kind, context) => RecordingAComplaint.Decide((RecordComplaint)command, context.CaseId, kind, context.Now));

    public static IReadOnlyList<CaseWideCommand> All { get; } = [HandOver, Complaint];

    public static CaseWideCommand? For(Type commandType) => All.FirstOrDefault(c => c.CommandType == commandType);

    public static CaseWideCommand? Named(string name) => All.FirstOrDefault(c => c.Name == name);
}
