using CaseLedger.Rules;
using Microsoft.Extensions.Configuration;
using CaseLedger.Core.Summaries;

namespace CaseLedger.Core;

/// <summary>The case kinds registered with one ledger: the one list everything generic reads.</summary>
public sealed class CaseKinds
{
    private readonly List<CaseKind> _kinds = [];
    private readonly List<Preload> _preloads = [];
    private readonly Dictionary<CaseKind, IReadOnlyList<Preload>> _preloadsByKind = [];

    public CaseKinds(IEnumerable<CaseKind>? kinds = null)
    {
        foreach (var kind in kinds ?? [])
        {
            Add(kind);
        }
    }

    public IReadOnlyList<CaseKind> All => _kinds;

    /// <summary>Every district summary kept: the core's over the service record, then each kind's over its read models.</summary>
    public IReadOnlyList<SummaryDeclaration> Summaries => _summaries ??= [.. Service.ServiceSummaries.All, .. _kinds.SelectMany(k => k.Summaries)];

    private IReadOnlyList<SummaryDeclaration>? _summaries;

    /// <summary>The summaries kept over documents of <paramref name="type"/> (none for most types).</summary>
    public IReadOnlyList<SummaryDeclaration> SummariesOf(Type type) =>
        _summariesByType.GetOrAdd(type, t => Summaries.Where(s => s.DocumentType == t).ToList());

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, IReadOnlyList<SummaryDeclaration>> _summariesByType = new();

    /// <summary>Adds a kind; a second kind with the same name, route, command or event type is a mistake and refused.</summary>
    public CaseKinds Add(CaseKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        if (_kinds.Any(k => k.GetType() == kind.GetType()))
        {
            return this;
        }

        if (_kinds.FirstOrDefault(k => k.Name == kind.Name || k.Route == kind.Route) is { } clash)
        {
            throw new InvalidOperationException($"The kinds {clash.Name} and {kind.Name} share a name or a route.");
        }

        if (_kinds.SelectMany(k => k.Commands).FirstOrDefault(c => kind.CommandFor(c.CommandType) is not null || kind.CommandNamed(c.Name) is not null) is { } shared)
        {
            throw new InvalidOperationException($"{kind.Name} declares the command {shared.Name}, which {shared.Kind.Name} already declares.");
        }

        _kinds.Add(kind);
        _summaries = null;
        _summariesByType.Clear();
        _derived.Clear();
        _byEventType.Clear();
        return this;
    }

    /// <summary>
    /// Declares a document kept per case by an inline projection of every kind (keyed by the case id),
    /// so the pipeline loads it together with the case; a kind's own read models are loaded so already.
    /// </summary>
    public CaseKinds PreloadWithEveryCase<TDoc>() where TDoc : class
    {
        lock (_preloadsByKind)
        {
            if (_preloads.All(p => p.Type != typeof(TDoc)))
            {
                _preloads.Add(Preload.Of<TDoc>());
                _preloadsByKind.Clear();
            }
        }

        return this;
    }

    internal IReadOnlyList<Preload> PreloadsFor(CaseKind kind)
    {
        lock (_preloadsByKind)
        {
            if (!_preloadsByKind.TryGetValue(kind, out var preloads))
            {
                // A kind that keeps deadlines records the core's deadline events on most commands, and the
                // case's service record folds them: it comes with the case rather than in a round trip of its own.
                preloads = [.. _preloads, .. kind.Views.Where(v => v.Type != kind.StateType).Select(v => Preload.Of(v.Type)),
                    .. kind.KeepsDeadlines ? [Preload.Of<Service.CaseService>()] : Array.Empty<Preload>()];
                _preloadsByKind[kind] = preloads;
            }

            return preloads;
        }
    }

    /// <summary>
    /// Whether documents of <paramref name="type"/> are kept per case from its events (a kind's state,
    /// one of its read models, or the service record every case has), so a decision that reads one
    /// checks it against the digests its case's events recorded.
    /// </summary>
    public bool IsKeptPerCase(Type type) => Derived(type).PerCase;

    /// <summary>Whether a kind writes documents of <paramref name="type"/> straight from its events, by id (a vote's units, a household's totals).</summary>
    public bool IsWrittenFromEvents(Type type) => Derived(type).ById;

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, (bool PerCase, bool ById)> _derived = new();

    private (bool PerCase, bool ById) Derived(Type type) => _derived.GetOrAdd(type, t => (
        t == typeof(Service.CaseService) || _kinds.Any(k => k.StateType == t || k.Views.Any(v => v.Type == t)),
        _kinds.Any(k => k.Documents.Any(d => d.Type == t))));

    /// <summary>The kind whose state type matches a stream's aggregate type, if any.</summary>
    public CaseKind? ForStateType(Type? stateType) => _kinds.FirstOrDefault(k => k.StateType == stateType);

    public CaseKind? Named(string name) => _kinds.FirstOrDefault(k => k.Name == name);

    /// <summary>The kind an event type belongs to, if any.</summary>
    public CaseKind? ForEventType(Type eventType) => _byEventType.GetOrAdd(eventType, t => _kinds.FirstOrDefault(k => k.Declares(t)));

    private readonly System.Collections.Concurrent.ConcurrentDictionary<Type, CaseKind?> _byEventType = new();

    /// <summary>The declaration of a command type, if a registered kind declares it.</summary>
    public CommandDeclaration? CommandFor(Type commandType) =>
        _kinds.Select(k => k.CommandFor(commandType)).FirstOrDefault(c => c is not null);

    /// <summary>The rule book of these kinds: each kind's rule document, in the civil time of CaseLedger's default.</summary>
    public RuleBook DefaultRules() => RulesBuilder().Build();

    /// <summary>
    /// These kinds' rule book, then each file named in <c>CaseLedger:RuleFiles</c>, then the
    /// <c>CaseLedger:Rules</c> section. A later version with the same id and version replaces an earlier one.
    /// </summary>
    public RuleBook RulesFrom(IConfiguration configuration) => RulesBuilder().AddConfiguration(configuration).Build();

    /// <summary>A rule book builder holding these kinds' rule documents, for adding proposed versions to.</summary>
    public RuleBook.Builder RulesBuilder()
    {
        var builder = new RuleBook.Builder().AddDefault();
        foreach (var kind in _kinds)
        {
            builder.AddJson(kind.RuleDocument, $"{kind.Name}.rules.json");
        }

        return builder;
    }
}
