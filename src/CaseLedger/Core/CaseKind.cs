using System.Reflection;
using System.Text.Json.Nodes;
using CaseLedger.Core.Deadlines;
using JasperFx.Events.Projections;
using Marten;
using CaseLedger.Core.Summaries;

namespace CaseLedger.Core;

/// <summary>A readable account of one event; <paramref name="IsDecision"/> marks events that applied a rule.</summary>
public sealed record EventDescription(string Summary, bool IsDecision = false);

/// <summary>
/// What every case's state exposes to the shared plumbing: its stream id and the rule version it is
/// decided under.
/// </summary>
public interface ICaseState
{
    Guid Id { get; }

    Rules.RuleRef Rule { get; }
}

/// <summary>Implemented by a kind's opening event, so the shared plumbing can read the case's basics.</summary>
public interface IOpensCase
{
    Rules.RuleRef Rule { get; }

    Channel Channel { get; }

    DateTimeOffset OpenedAt { get; }
}

/// <summary>
/// A kind of case (renovation vote, subsidy award, ...), declared in one place: its events with their
/// stable names, its write-side state, its read models, its commands, its rule and the data files in
/// its folder (rule versions, scenario vocabulary). Everything generic (pipeline, endpoints, seeds,
/// scenarios, what-if, audit) reads these declarations; nothing central switches on kinds.
/// </summary>
public abstract class CaseKind
{
    private readonly Dictionary<Type, (string Name, Func<object, EventDescription?>? Describe)> _events = [];
    private readonly List<CommandDeclaration> _commands = [];
    private readonly List<ViewDeclaration> _views = [];
    private readonly List<DocumentsDeclaration> _documents = [];
    private readonly List<QueryDeclaration> _queries = [];
    private readonly List<SummaryDeclaration> _summaries = [];
    private readonly Dictionary<string, Func<JsonObject, IReadOnlyList<JsonObject>, string?>> _hooks = [];

    private protected CaseKind(string name, string route, string ruleId)
    {
        Name = name;
        Route = route;
        RuleId = ruleId;
    }

    /// <summary>The kind's name in audit entries, scenario files and <c>GET /kinds</c>, e.g. <c>renovation-vote</c>.</summary>
    public string Name { get; }

    /// <summary>The kind's segment in URLs and its seed folder's name, e.g. <c>renovation-votes</c>.</summary>
    public string Route { get; }

    /// <summary>The id of the rule its cases are decided under, e.g. <c>renovation-vote</c>.</summary>
    public string RuleId { get; }

    /// <summary>A sentence on what the kind is, for <c>GET /kinds</c>.</summary>
    public string Title { get; protected set; } = "";

    /// <summary>A short name for people, e.g. "Renovation vote", for the auditor's page.</summary>
    public string Label { get; protected set; } = "";

    public abstract Type StateType { get; }

    public IReadOnlyDictionary<Type, string> EventNames => _eventNames ??= _events.ToDictionary(e => e.Key, e => e.Value.Name);

    // Read on every event appended, folded and verified: made once, after the declaration is complete.
    private IReadOnlyDictionary<Type, string>? _eventNames;

    /// <summary>Whether the kind declares events of this type (its own, or the core's deadline events it keeps).</summary>
    public bool Declares(Type eventType) => _events.ContainsKey(eventType);

    public IEnumerable<Type> EventTypes => _events.Keys;

    public IReadOnlyList<CommandDeclaration> Commands => _commands;

    public IReadOnlyList<ViewDeclaration> Views => _views;

    public IReadOnlyList<DocumentsDeclaration> Documents => _documents;

    public IReadOnlyList<QueryDeclaration> Queries => _queries;

    /// <summary>The district summaries the kind keeps over its read models (see <see cref="SummaryDeclaration"/>).</summary>
    public IReadOnlyList<SummaryDeclaration> Summaries => _summaries;

    /// <summary>
    /// The kind's named hooks for its scenario vocabulary: each completes a step's command (as JSON)
    /// from the case's earlier commands, or says why it cannot (e.g. which unit a voter means).
    /// </summary>
    public IReadOnlyDictionary<string, Func<JsonObject, IReadOnlyList<JsonObject>, string?>> ScenarioHooks => _hooks;

    /// <summary>
    /// Whether a case is a resident's own (a vote where they hold a unit, their own application), so
    /// they may read it; a kind that declares nothing lets residents read none of its cases.
    /// </summary>
    public Func<IQuerySession, Guid, string, CancellationToken, Task<bool>>? ResidentCase { get; private set; }

    /// <summary>The read model served at <c>GET /districts/{d}/{route}/{id}</c> and shown for a case at any point of its history.</summary>
    public ViewDeclaration MainView => _views.FirstOrDefault() ?? throw new InvalidOperationException($"{Name} declares no read model.");

    /// <summary>The command that opens a case of this kind.</summary>
    public CommandDeclaration Opening => _commands.FirstOrDefault(c => c.OpensCase) ?? throw new InvalidOperationException($"{Name} declares no opening command.");

    /// <summary>The kind's rule versions, a rule document (see docs/rules.md) embedded beside its code.</summary>
    public string RuleDocument => ReadResource(GetType().Assembly, $"{Name}.rules.json");

    /// <summary>How scenario files say this kind's steps and facts (see docs/scenarios.md), embedded beside its code.</summary>
    public string ScenarioVocabulary => ReadResource(GetType().Assembly, $"{Name}.scenarios.yaml");

    /// <summary>
    /// The refusals the kind's decisions can give, collected from the static <see cref="Refusal"/>
    /// fields of the types in the kind's own namespace (its folder), one per code: what its commands
    /// can answer besides what every command can (the HTTP edge lists them in the API description).
    /// </summary>
    public IReadOnlyList<Refusal> Refusals => _refusals ??= GetType().Assembly.GetTypes()
        .Where(t => t.Namespace == GetType().Namespace)
        .SelectMany(t => t.GetFields(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.DeclaredOnly))
        .Where(f => f.FieldType == typeof(Refusal))
        .Select(f => (Refusal)f.GetValue(null)!)
        .DistinctBy(r => r.Code)
        .OrderBy(r => r.Code, StringComparer.Ordinal)
        .ToList();

    private IReadOnlyList<Refusal>? _refusals;

    /// <summary>The stored name of an event of this kind.</summary>
    public string EventName(Type eventType) =>
        _events.TryGetValue(eventType, out var e) ? e.Name : Service.ServiceEvents.NameOf(eventType) ?? eventType.Name;

    /// <summary>
    /// One readable line about an event of this kind, computed from the event alone (never from the
    /// clock or other state), so rebuilding the audit trail reproduces it exactly.
    /// </summary>
    public EventDescription? Describe(object data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return _events.TryGetValue(data.GetType(), out var e) ? e.Describe?.Invoke(data) : null;
    }

    /// <summary>Folds one event into the write-side state.</summary>
    public abstract object? Evolve(object? state, object e);

    /// <summary>What the case looked like after the given events (its main read model), for point-in-time views.</summary>
    public object? View(IEnumerable<object> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        object? view = null;
        long version = 0;
        foreach (var e in events)
        {
            view = MainView.Evolve(view, e);
            version++;
        }

        return view is null ? null : MainView.WithVersion(view, version);
    }

    public CommandDeclaration? CommandFor(Type commandType) => _commands.FirstOrDefault(c => c.CommandType == commandType);

    public CommandDeclaration? CommandNamed(string name) => _commands.FirstOrDefault(c => c.Name == name);

    /// <summary>Whether the kind's cases keep deadlines (<see cref="CaseKind{TState}.KeepsDeadlinesWith"/>).</summary>
    public bool KeepsDeadlines { get; private set; }

    /// <summary>
    /// The kind's decision when one of its deadlines was breached (an escalation, say), given the
    /// state with the breach folded in; no events when the kind declares none.
    /// </summary>
    internal virtual IReadOnlyList<object> OnBreach(object state, DeadlineBreached breach, CommandContext context) => [];

    /// <summary>Declares the core deadline events (<see cref="DeadlineEvents"/>) as this kind's too.</summary>
    private protected void DeclareDeadlineEvents()
    {
        foreach (var (type, name, describe) in DeadlineEvents.All)
        {
            _events[type] = (name, describe);
        }

        _eventNames = null;
        KeepsDeadlines = true;
    }

    /// <summary>Maps the kind's events under their stable names and registers its projections.</summary>
    public virtual void Configure(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var (type, (name, _)) in _events)
        {
            options.Events.MapEventType(type, name);
        }

        RegisterState(options);
        foreach (var view in _views)
        {
            // A read model of the state's own type is the state: stored once, loaded with the case's lock.
            view.Register(options, EventTypes, StateType, isState: view.Type == StateType);
        }

        foreach (var documents in _documents)
        {
            documents.Register(options);
        }
    }

    private protected abstract void RegisterState(StoreOptions options);

    private protected abstract bool IsStateEvolve(Delegate evolve);

    internal async Task<CaseForWriting> FetchForWritingAsync(IDocumentSession session, Guid caseId, IReadOnlyList<Preload> preloads,
        IReadOnlyList<DocumentRead> reads, CommandContext context, CancellationToken ct)
    {
        // The transaction is begun first, so the batch below is the only thing using the session.
        await session.BeginTransactionAsync(ct);
        var batch = session.CreateBatchQuery();
        var fetch = EnlistForWriting(session, batch, caseId, preloads, reads, context);
        await batch.Execute(ct);
        return await fetch;
    }

    /// <summary>
    /// Adds to <paramref name="batch"/> the case's stream row lock (select ... for update), its state and
    /// the documents the inline projections and the command will read of it; the returned task completes
    /// once the batch ran. Many cases enlisted in one batch are locked, in the order enlisted, in one round trip.
    /// </summary>
    internal abstract Task<CaseForWriting> EnlistForWriting(IDocumentSession session, Marten.Services.BatchQuerying.IBatchedQuery batch, Guid caseId,
        IReadOnlyList<Preload> preloads, IReadOnlyList<DocumentRead> reads, CommandContext context);

    /// <summary>Starts the case's stream with its opening events; returns them as the store will write them.</summary>
    internal abstract IReadOnlyList<JasperFx.Events.IEvent> StartStream(IDocumentSession session, Guid caseId, IReadOnlyList<object> events);

    /// <summary>Declares an event under its stable, versioned name, with the line the audit trail shows for it.</summary>
    protected void Event<TEvent>(string name, Func<TEvent, EventDescription?>? describe = null) where TEvent : class
    {
        _events[typeof(TEvent)] = (name, describe is null ? null : e => describe((TEvent)e));
        _eventNames = null;
    }

    /// <summary>
    /// Declares a read model kept per case in the same transaction as its events; the first one
    /// declared is the main one. A kind whose state is small and readable may serve the state itself
    /// (a view of the state's type, folded by the same function), so a command writes one document.
    /// </summary>
    protected ViewDeclaration<TView> View<TView>(Func<TView?, object, TView?> evolve) where TView : class
    {
        if (typeof(TView) == StateType && !IsStateEvolve(evolve))
        {
            throw new InvalidOperationException($"{Name}: a read model of the state's type must be folded by the state's own evolve function.");
        }

        var view = new ViewDeclaration<TView>(evolve);
        _views.Add(view);
        return view;
    }

    /// <summary>
    /// Declares small documents written from events without reading anything (a vote's roll, one
    /// document per unit), so a command can read just the part of a large case it needs.
    /// </summary>
    protected void Writes<TDoc>(Func<object, IEnumerable<TDoc>> fromEvent, Func<TDoc, string> id) where TDoc : class =>
        _documents.Add(new DocumentsDeclaration<TDoc>(fromEvent, id));

    /// <summary>
    /// Declares a summary of the district kept over one of the kind's read models: what each case's
    /// document contributes to the summary's cells, so a reading sums a few cells instead of the cases.
    /// </summary>
    protected void Summarizes<TView>(string name, Func<TView, TimeSpan, IEnumerable<SummaryCount>> contribute) where TView : class
    {
        if (_views.All(v => v.Type != typeof(TView)))
        {
            throw new InvalidOperationException($"{Name}: a summary sums over one of the kind's read models, not {typeof(TView).Name}.");
        }

        _summaries.Add(SummaryDeclaration.For(name, contribute));
    }

    /// <summary>Declares which cases are a resident's own, so they may read them (see <see cref="ResidentCase"/>).</summary>
    protected void ResidentsRead(Func<IQuerySession, Guid, string, CancellationToken, Task<bool>> isTheirs) =>
        ResidentCase = isTheirs ?? throw new ArgumentNullException(nameof(isTheirs));

    /// <summary>
    /// What a partner institution's clerk sees of a case: given the main read model and the institution,
    /// the part the partner needs, or null when the case does not name that institution (then it sees
    /// nothing). Served at <c>GET /districts/{d}/{route}/{id}/partner-view</c>; a kind that declares
    /// nothing shows partners none of its cases.
    /// </summary>
    public Func<object, string, object?>? PartnerView { get; private set; }

    /// <summary>The type <see cref="PartnerView"/> returns, for the API description.</summary>
    public Type? PartnerViewType { get; private set; }

    /// <summary>Declares what a partner institution sees of a case it is party to (see <see cref="PartnerView"/>).</summary>
    protected void PartnersRead<TView, TPartnerView>(Func<TView, string, TPartnerView?> see) where TView : class where TPartnerView : class
    {
        ArgumentNullException.ThrowIfNull(see);
        PartnerView = (view, institution) => see((TView)view, institution);
        PartnerViewType = typeof(TPartnerView);
    }

    /// <summary>Declares a read-only query of the district, served at <c>GET /districts/{d}/{path}</c>.</summary>
    protected void Query<TResult>(string path, string summary, Func<IQuerySession, IReadOnlyDictionary<string, string>, CancellationToken, Task<TResult>> run)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(run);
        _queries.Add(new QueryDeclaration(this, path, summary, typeof(TResult), async (session, values, _, ct) => await run(session, values, ct)));
    }

    /// <summary>
    /// Declares a read-only query of the district that reads the clock (a deadline's time left) or the
    /// rule book's civil time (months), served at <c>GET /districts/{d}/{path}</c>.
    /// </summary>
    protected void Query<TResult>(string path, string summary,
        Func<IQuerySession, IReadOnlyDictionary<string, string>, QueryContext, CancellationToken, Task<TResult>> run, QueryPaging? paging = null)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(run);
        _queries.Add(new QueryDeclaration(this, path, summary, typeof(TResult), async (session, values, now, ct) => await run(session, values, now, ct))
        {
            Paging = paging,
        });
    }

    /// <summary>
    /// Declares a read-only reading of the district over a period (<c>from</c>, <c>to</c>, both
    /// included, in <paramref name="grain"/>), served at <c>GET /districts/{d}/{path}</c>; the period is
    /// checked before the reading runs, and a bad one is refused with a stable code.
    /// </summary>
    protected void PeriodQuery<TResult>(string path, string summary, PeriodGrain grain,
        Func<IQuerySession, ReadingPeriod, QueryContext, CancellationToken, Task<TResult>> run)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(run);
        _queries.Add(new QueryDeclaration(this, path, summary, typeof(TResult),
            async (session, values, context, ct) => await run(session, ReadingPeriod.Read(values, grain).Period ?? ReadingPeriod.All, context, ct))
        {
            Period = grain,
        });
    }

    /// <summary>
    /// Declares a resident's query of their own cases of this kind, served at <c>GET /districts/{d}/{path}</c>
    /// to residents only (staff read the kind's lists): it is given the signed-in person and must
    /// answer with that person's cases alone.
    /// </summary>
    protected void OwnQuery<TResult>(string path, string summary, Func<IQuerySession, string, QueryContext, CancellationToken, Task<TResult>> run,
        QueryPaging? paging = null)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(run);
        _queries.Add(new QueryDeclaration(this, path, summary, typeof(TResult),
            async (session, _, context, ct) => await run(session, context.Person ?? throw new InvalidOperationException($"{path} is a resident's query."), context, ct))
        {
            ForTheirOwn = Role.Resident,
            Paging = paging,
        });
    }

    /// <summary>
    /// Declares a partner institution's query of the cases of this kind that name it (its worklist),
    /// served at <c>GET /districts/{d}/{path}</c> to partners only: it is given the institution the
    /// partner's token names and must answer with those cases alone, and with no more of each than
    /// the partner sees (<see cref="PartnerView"/>).
    /// </summary>
    protected void PartnerQuery<TResult>(string path, string summary, Func<IQuerySession, string, QueryContext, CancellationToken, Task<TResult>> run,
        QueryPaging? paging = null)
        where TResult : class
    {
        ArgumentNullException.ThrowIfNull(run);
        _queries.Add(new QueryDeclaration(this, path, summary, typeof(TResult),
            async (session, _, context, ct) =>
                await run(session, context.Institution ?? throw new InvalidOperationException($"{path} is a partner institution's query."), context, ct))
        {
            ForTheirOwn = Role.Partner,
            Paging = paging,
        });
    }

    /// <summary>
    /// Declares a named hook the kind's scenario vocabulary may call on a step: it completes the
    /// step's command (JSON) from the bodies of the case's earlier commands, or returns why it cannot.
    /// </summary>
    protected void ScenarioHook(string name, Func<JsonObject, IReadOnlyList<JsonObject>, string?> complete) => _hooks[name] = complete;

    private protected void Add(CommandDeclaration command)
    {
        if (_commands.Any(c => c.CommandType == command.CommandType))
        {
            throw new InvalidOperationException($"{Name}: {command.CommandType.Name} is declared twice.");
        }

        _commands.Add(command);
    }

    private static string ReadResource(Assembly assembly, string suffix)
    {
        var name = assembly.GetManifestResourceNames().FirstOrDefault(n => n.EndsWith(suffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"The data file {suffix} is not embedded in {assembly.GetName().Name}.");
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>A kind whose write-side state (an inline snapshot, kept small) is <typeparamref name="TState"/>.</summary>
public abstract class CaseKind<TState> : CaseKind where TState : class, ICaseState
{
    private readonly Func<TState?, object, TState?> _evolve;

    protected CaseKind(string name, string route, string ruleId, Func<TState?, object, TState?> evolve)
        : base(name, route, ruleId)
    {
        _evolve = evolve ?? throw new ArgumentNullException(nameof(evolve));
    }

    public override Type StateType => typeof(TState);

    public override object? Evolve(object? state, object e) => _evolve((TState?)state, e);

    private protected override bool IsStateEvolve(Delegate evolve) => evolve.Equals(_evolve);

    /// <summary>Declares the command that opens a case, posted to <c>/districts/{d}/{route}</c>.</summary>
    protected CommandDeclaration<TState, TCommand> Opens<TCommand>(string summary) where TCommand : class
    {
        var command = new CommandDeclaration<TState, TCommand>(this, opensCase: true, segment: null, summary);
        Add(command);
        return command;
    }

    /// <summary>Declares a command on an existing case, posted to <c>/districts/{d}/{route}/{id}/{segment}</c>.</summary>
    protected CommandDeclaration<TState, TCommand> On<TCommand>(string segment, string summary) where TCommand : class
    {
        var command = new CommandDeclaration<TState, TCommand>(this, opensCase: false, segment, summary);
        Add(command);
        return command;
    }

    /// <summary>
    /// Declares that the kind's cases keep deadlines: its state (an <see cref="IHoldsDeadlines"/>)
    /// folds the core deadline events with <see cref="DeadlineBook.Apply"/>, which are declared as
    /// this kind's events under their stable names (<c>deadline.set.v1</c>, ...). The optional
    /// <paramref name="onBreach"/> is the kind's decision when one of its deadlines is breached
    /// (an escalation): a pure function of the state (the breach folded in), the breach and the
    /// context, run in the same transaction as the breach.
    /// </summary>
    protected void KeepsDeadlinesWith(Func<TState, DeadlineBreached, CommandContext, IEnumerable<object>>? onBreach = null)
    {
        if (!typeof(IHoldsDeadlines).IsAssignableFrom(typeof(TState)))
        {
            throw new InvalidOperationException($"{Name}: a kind that keeps deadlines holds them in its state ({typeof(TState).Name} is no {nameof(IHoldsDeadlines)}).");
        }

        DeclareDeadlineEvents();
        _onBreach = onBreach;
    }

    private Func<TState, DeadlineBreached, CommandContext, IEnumerable<object>>? _onBreach;

    internal override IReadOnlyList<object> OnBreach(object state, DeadlineBreached breach, CommandContext context) =>
        _onBreach is null ? [] : _onBreach((TState)state, breach, context).ToList();

    private protected override void RegisterState(StoreOptions options) =>
        options.Projections.Add(new CaseProjection<TState>(_evolve, EventTypes, typeof(TState)), ProjectionLifecycle.Inline);

    internal override async Task<CaseForWriting> EnlistForWriting(IDocumentSession session, Marten.Services.BatchQuerying.IBatchedQuery batch, Guid caseId,
        IReadOnlyList<Preload> preloads, IReadOnlyList<DocumentRead> reads, CommandContext context)
    {
        // Takes the stream's row lock (select ... for update) in a transaction held until the append
        // commits: commands to one case are applied one after another, each on the latest state. The
        // documents the inline projections will read for this case (its read models, its chain head)
        // come in the same round trip and are kept in the session's identity map, where the
        // projections find them instead of asking the database again; so do the documents of the
        // case the command declared it reads (a ballot's unit and member).
        var fetch = batch.Events.FetchForExclusiveWriting<TState>(caseId);
        var loads = preloads.Select(p => p.Enlist(session, batch, caseId)).Append(DocumentRead.EnlistAsync(batch, reads, context)).ToList();
        var stream = await fetch;
        await Task.WhenAll(loads);
        var version = stream.CurrentVersion ?? stream.StartingVersion ?? 0;
        return new CaseForWriting(stream.Aggregate, version, events => stream.AppendMany(events.ToArray()))
        {
            Appended = () => stream.Events,
        };
    }

    internal override IReadOnlyList<JasperFx.Events.IEvent> StartStream(IDocumentSession session, Guid caseId, IReadOnlyList<object> events) =>
        session.Events.StartStream<TState>(caseId, events.ToArray()).Events;
}
