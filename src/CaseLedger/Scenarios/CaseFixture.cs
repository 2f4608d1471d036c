using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Scenarios;

/// <summary>
/// A test fixture for any kind, derived from its declarations: commands run through the command
/// pipeline on an in-memory ledger (the same declarations, decisions, facts and projections as the
/// store), so a rule test reads "given these commands, when this one, then this outcome" and sees
/// exactly what the store would hold. No database, no clock: every command says when it happens.
/// </summary>
public sealed class CaseFixture
{
    public CaseFixture(CaseKinds kinds, RuleBook rules, string district = "fixture")
    {
        Ledger = new InMemoryLedger(kinds, rules);
        District = district;
    }

    public InMemoryLedger Ledger { get; }

    public string District { get; }

    /// <summary>Who acts when a test does not say: a clerk at a service window.</summary>
    public static Acting Clerk { get; } = new("fixture-clerk", Channel.ServiceWindow, Role.Clerk);

    /// <summary>
    /// Runs one command at <paramref name="at"/>. The in-memory pipeline completes synchronously, so a
    /// fluent test builder may call this without awaiting.
    /// </summary>
    public CommandOutcome Run(Guid caseId, object command, DateTimeOffset at, Acting? acting = null)
    {
        var run = Ledger.ExecuteAsync(new CommandRequest(District, caseId, command, acting ?? Clerk) { At = at });
        return run.IsCompleted
            ? run.GetAwaiter().GetResult()
            : throw new InvalidOperationException("The in-memory pipeline did not complete synchronously.");
    }

    /// <summary>Runs a command that must be accepted: a step of the history a test starts from.</summary>
    public CommandOutcome Given(Guid caseId, object command, DateTimeOffset at, Acting? acting = null)
    {
        var outcome = Run(caseId, command, at, acting);
        return outcome.Rejection is { } refused
            ? throw new InvalidOperationException($"A step of the test's history was refused: {refused.Code}: {refused.Reason}")
            : outcome;
    }

    public TState? State<TState>(Guid caseId) where TState : class => Ledger.State(District, caseId) as TState;

    public TView? View<TView>(Guid caseId) where TView : class => Ledger.View<TView>(District, caseId);

    public TDoc? Document<TDoc>(string id) where TDoc : class => Ledger.Document<TDoc>(District, id);

    /// <summary>The case's events (data only), oldest first.</summary>
    public IReadOnlyList<object> Events(Guid caseId) => Ledger.Events(District, caseId).Select(e => e.Data).ToList();

    /// <summary>The case's events with their metadata, as the store would record them.</summary>
    public IReadOnlyList<RecordedEvent> Recorded(Guid caseId) => Ledger.Events(District, caseId);
}
