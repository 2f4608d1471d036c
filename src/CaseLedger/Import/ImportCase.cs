using CaseLedger.Core;
using CaseLedger.Scenarios;

namespace CaseLedger.Import;

/// <summary>One case of an import file: its kind, its steps as the pipeline's requests, and the lines they came from.</summary>
internal sealed class ImportCase
{
    private ImportCase(CaseKind kind, Guid id, IReadOnlyList<ImportStep> steps, IReadOnlyList<CommandRequest> requests)
    {
        Kind = kind;
        Id = id;
        Steps = steps;
        Requests = requests;
    }

    public CaseKind Kind { get; }

    public Guid Id { get; }

    public IReadOnlyList<ImportStep> Steps { get; }

    public IReadOnlyList<CommandRequest> Requests { get; }

    /// <summary>The case's steps as requests, or its first bad line: an unknown kind or command, a body that does not fit, a kind that changes, a step dated before the one before it.</summary>
    public static (ImportCase?, BadLine?) Of(CaseKinds kinds, string district, IReadOnlyList<ImportStep> steps)
    {
        var first = steps[0];
        if (kinds.Named(first.Kind) is not { } kind)
        {
            return (null, new BadLine(first.Line, first.CaseId, $"no case kind '{first.Kind}' (GET /kinds lists them)"));
        }

        for (var i = 1; i < steps.Count; i++)
        {
            if (steps[i].Kind != first.Kind)
            {
                return (null, new BadLine(steps[i].Line, first.CaseId, $"the case is of kind '{first.Kind}' (line {first.Line}), this line says '{steps[i].Kind}'"));
            }

            if (steps[i].At < steps[i - 1].At)
            {
                return (null, new BadLine(steps[i].Line, first.CaseId,
                    $"out of order: dated {steps[i].At:O}, before the case's step on line {steps[i - 1].Line} ({steps[i - 1].At:O})"));
            }
        }

        var seeded = new SeedCase(kind.Name, first.CaseId, steps.Select(s =>
            new SeedStep(s.Command, s.At, new SeedActing(s.Actor, s.Channel, s.Role, s.OnBehalfOf) { Institution = s.Institution }, s.Body)).ToList());
        var requests = new List<CommandRequest>();
        try
        {
            foreach (var request in Seeds.Requests(kinds, district, seeded, "line"))
            {
                requests.Add(request);
            }
        }
        catch (InvalidDataException e)
        {
            var step = steps[requests.Count];
            return (null, new BadLine(step.Line, first.CaseId, Reason(e.Message)));
        }

        return (new ImportCase(kind, first.CaseId, steps, requests), null);
    }

    /// <summary>
    /// Runs the case's steps in <paramref name="ledger"/> at their times, deadlines that fell due between
    /// them breached at their due times, and those past due by <paramref name="now"/> after the last;
    /// the first refused step is the case's bad line.
    /// </summary>
    /// <remarks>Without <paramref name="now"/> (seeds), steps may be dated in the future and no time passes after the last.</remarks>
    public async Task<BadLine?> DecideAsync(InMemoryLedger ledger, string district, DateTimeOffset? now, CancellationToken ct)
    {
        for (var i = 0; i < Requests.Count; i++)
        {
            var request = Requests[i];
            var at = request.At!.Value;
            if (now is { } present && at > present)
            {
                return new BadLine(Steps[i].Line, Id, $"dated {at:O}, after now: history cannot be in the future");
            }

            if (i > 0)
            {
                // Time passes as it did: a deadline due before the step was breached first; one due at its very moment is met by it.
                await ledger.PassTimeAsync(district, Core.Deadlines.DeadlineBook.JustBefore(at), [Id], ct);
            }

            var outcome = await ledger.ExecuteAsync(request, at, ct);
            if (outcome.Rejection is { } refused)
            {
                return new BadLine(Steps[i].Line, Id, $"the rules refuse {Steps[i].Command}: {refused.Code}: {refused.Reason}");
            }
        }

        if (now is { } until)
        {
            await ledger.PassTimeAsync(district, until, [Id], ct);
        }

        return null;
    }

    /// <summary>A seed error's message without its "line: case {id}, step n" prefix, which the bad line says better.</summary>
    private static string Reason(string message)
    {
        var colon = message.IndexOf("): ", StringComparison.Ordinal);
        if (colon > 0)
        {
            return message[(colon + 3)..];
        }

        var step = message.IndexOf(": ", message.IndexOf("step", StringComparison.Ordinal) + 1, StringComparison.Ordinal);
        return step > 0 ? message[(step + 2)..] : message;
    }
}
