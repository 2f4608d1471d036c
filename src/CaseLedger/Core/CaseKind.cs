using Marten;

namespace CaseLedger.Core;

/// <summary>
/// What every case's state exposes to the shared plumbing: its stream id and the rule version it is
/// decided under.
/// </summary>
public interface ICaseState
{
    Guid Id { get; }

    Rules.RuleRef Rule { get; }
}

/// <summary>
/// A kind of case (renovation vote, subsidy award, ...). A kind registers its own event names,
/// snapshots and projections; nothing central has to learn about it.
/// </summary>
public abstract class CaseKind
{
    /// <summary>The kind's name in URLs, audit entries and stream metadata, e.g. <c>renovation-vote</c>.</summary>
    public abstract string Name { get; }

    /// <summary>The type whose snapshot is the kind's write-side state; streams are started with it.</summary>
    public abstract Type StateType { get; }

    /// <summary>Maps the kind's events under stable names and adds its projections.</summary>
    public abstract void Configure(StoreOptions options);

    /// <summary>The kind's event types, so cross-kind code (the audit trail) can tell which kind an event belongs to.</summary>
    public virtual IEnumerable<Type> EventTypes => [];

    /// <summary>
    /// One readable line about an event of this kind, computed from the event alone (never from the
    /// clock or other state), so rebuilding the audit trail reproduces it exactly. Null: say only the type.
    /// </summary>
    public virtual EventDescription? Describe(object data) => null;

    /// <summary>
    /// What the case looked like after the given events (its read model), for point-in-time views.
    /// Null when the kind offers no view.
    /// </summary>
    public virtual object? View(IEnumerable<object> events) => null;

    /// <summary>How scenario files of this kind are read and run; null when the kind has none yet.</summary>
    public virtual Scenarios.IScenarioDriver? ScenarioDriver => null;

    /// <summary>How this kind's recorded decisions are replayed under a proposed rule version; null when it has none.</summary>
    public virtual Rules.IWhatIfReplay? WhatIf => null;

    /// <summary>
    /// Loads the kind's demo data from its folder under <paramref name="seedsRoot"/> through its own
    /// decisions, at the times the data records. Returns the number of cases created.
    /// </summary>
    public virtual Task<int> SeedAsync(IDocumentStore store, Rules.RuleBook rules, string seedsRoot, CancellationToken ct) =>
        Task.FromResult(0);
}

/// <summary>A readable account of one event; <paramref name="IsDecision"/> marks events that applied a rule.</summary>
public sealed record EventDescription(string Summary, bool IsDecision = false);

/// <summary>The kinds registered with one document store, for code that works across kinds.</summary>
public sealed class CaseKinds
{
    private readonly List<CaseKind> _kinds = [];

    public IReadOnlyList<CaseKind> All => _kinds;

    internal void Add(CaseKind kind)
    {
        if (_kinds.Any(k => k.Name == kind.Name))
        {
            return;
        }

        _kinds.Add(kind);
    }

    /// <summary>The kind whose state type matches a stream's aggregate type, if any.</summary>
    public CaseKind? ForStateType(Type? stateType) => _kinds.FirstOrDefault(k => k.StateType == stateType);

    public CaseKind? Named(string name) => _kinds.FirstOrDefault(k => k.Name == name);

    /// <summary>The kind an event type belongs to, if any.</summary>
    public CaseKind? ForEventType(Type eventType) => _kinds.FirstOrDefault(k => k.EventTypes.Contains(eventType));
}
