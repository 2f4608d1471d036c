using CaseLedger.Rules;

namespace CaseLedger.Core;

/// <summary>One event as the in-memory ledger recorded it, with the metadata the store would keep.</summary>
public sealed record RecordedEvent(
    Guid CaseId,
    long Version,
    string Type,
    object Data,
    DateTimeOffset Timestamp,
    string Actor,
    string? OnBehalfOf,
    string Channel,
    string? Rule,
    string Role)
{
    /// <summary>The partner institution the actor acted for, on a partner's steps.</summary>
    public string? Institution { get; init; }
}

/// <summary>
/// The command pipeline without a database: the same declarations, decisions, projections and
/// refusals as the store, with streams and documents held in memory. Scenario runs, what-if replays
/// and rule tests use it; what they see is what the store would hold.
/// </summary>
public sealed class InMemoryLedger
{
    private readonly Dictionary<(string District, Guid CaseId), Stream> _streams = [];
    private readonly Dictionary<(string District, Type Type, string Id), object> _documents = [];

    private readonly IFactReader? _outside;

    /// <param name="kinds">The kinds whose commands it runs.</param>
    /// <param name="rules">The rule book decisions are taken under.</param>
    /// <param name="outside">
    /// Where facts from outside its own cases are read (another case's read model, as the store holds
    /// it now), for replays of recorded cases; none means only its own documents exist.
    /// </param>
    public InMemoryLedger(CaseKinds kinds, RuleBook rules, IFactReader? outside = null)
    {
        Kinds = kinds ?? throw new ArgumentNullException(nameof(kinds));
        Rules = rules ?? throw new ArgumentNullException(nameof(rules));
        _outside = outside;
    }

    public CaseKinds Kinds { get; }

    public RuleBook Rules { get; }

    /// <summary>
    /// Whether shared totals a command holds are read from outside too when the ledger has none of its
    /// own: for an import, whose cases are not yet in the store's totals (a replay must not, since the
    /// store's totals count the replayed case itself).
    /// </summary>
    public bool HoldsFromOutside { get; init; }

    /// <summary>Runs a command; without <see cref="CommandRequest.At"/> it is decided at <paramref name="now"/>.</summary>
    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, DateTimeOffset now, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command is not null && Service.CaseWideCommands.For(request.Command.GetType()) is not null)
        {
            // A case-wide command of the core (a hand-over, a complaint): the same pipeline, on the case's own kind.
            return KindOf(request.District, request.CaseId) is { } kind
                ? CommandPipeline.RunCaseWideAsync(new Session(this, request.District, request.At ?? now), kind, Rules,
                    new CaseWideRequest(request.District, request.CaseId, request.Command, request.Acting) { ExpectedVersion = request.ExpectedVersion, At = request.At },
                    now, ct)
                : Task.FromResult(CommandOutcome.Rejected(request.CaseId, CommandPipeline.NotFound(request.CaseId)));
        }

        return CommandPipeline.RunAsync(new Session(this, request.District, request.At ?? now), Kinds, Rules, request, now, ct);
    }

    /// <summary>Runs a dated command (<see cref="CommandRequest.At"/> is required here).</summary>
    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        return ExecuteAsync(request, request.At ?? throw new ArgumentException("An in-memory command needs its time (At).", nameof(request)), ct);
    }

    /// <summary>
    /// Lets time pass in a district up to <paramref name="until"/>: every deadline that falls due on
    /// the way is recorded as breached at its own due time, earliest first (as its scheduled check
    /// would record it), with the kind's escalation; a deadline an escalation sets is fired too if it
    /// falls due by then. Only <paramref name="cases"/> when given. Returns the outcomes, in order.
    /// </summary>
    public async Task<IReadOnlyList<CommandOutcome>> PassTimeAsync(string district, DateTimeOffset until, IReadOnlyCollection<Guid>? cases = null,
        CancellationToken ct = default)
    {
        var outcomes = new List<CommandOutcome>();
        // One case given, only its stream is looked at (an import passes time case by case in a ledger of a
        // thousand); several, the ledger's streams in their order, which settles ties between cases due at once.
        IEnumerable<KeyValuePair<(string District, Guid CaseId), Stream>> streams = cases is { Count: 1 }
            ? _streams.TryGetValue((district, cases.First()), out var one) ? [KeyValuePair.Create((district, cases.First()), one)] : []
            : _streams.Where(s => cases is null || cases.Contains(s.Key.CaseId));
        while (streams
            .Where(s => s.Key.District == district && s.Value.State is Deadlines.IHoldsDeadlines)
            .Select(s => (s.Key.CaseId, s.Value.Kind, Due: ((Deadlines.IHoldsDeadlines)s.Value.State!).Deadlines.NextDue))
            .Where(s => s.Due <= until)
            .OrderBy(s => s.Due)
            .FirstOrDefault() is { Due: { } due } next)
        {
            var outcome = await CommandPipeline.RecordBreachesAsync(new Session(this, district, due), next.Kind, Rules, district, next.CaseId, due, ct);
            if (outcome.Events.Count == 0)
            {
                break;
            }

            outcomes.Add(outcome);
        }

        return outcomes;
    }

    /// <summary>The case's events, oldest first; empty when the district has no such case.</summary>
    public IReadOnlyList<RecordedEvent> Events(string district, Guid caseId) =>
        _streams.TryGetValue((district, caseId), out var stream) ? stream.Events : [];

    /// <summary>The district's cases, in the order they were opened.</summary>
    public IReadOnlyList<Guid> Cases(string district) => _streams.Keys.Where(k => k.District == district).Select(k => k.CaseId).ToList();

    public CaseKind? KindOf(string district, Guid caseId) => _streams.TryGetValue((district, caseId), out var stream) ? stream.Kind : null;

    /// <summary>The case's write-side state.</summary>
    public object? State(string district, Guid caseId) => _streams.TryGetValue((district, caseId), out var stream) ? stream.State : null;

    /// <summary>A read model of the case, as the store would hold it.</summary>
    public T? View<T>(string district, Guid caseId) where T : class => Document<T>(district, caseId.ToString());

    /// <summary>The case's main read model.</summary>
    public object? MainView(string district, Guid caseId) =>
        KindOf(district, caseId) is { } kind && _documents.TryGetValue((district, kind.MainView.Type, caseId.ToString()), out var view) ? view : null;

    public T? Document<T>(string district, string id) where T : class =>
        _documents.TryGetValue((district, typeof(T), id), out var doc) ? (T)doc : null;

    /// <summary>A document of the given type, as the store would hold it; null when there is none.</summary>
    public object? Document(Type type, string district, string id) =>
        _documents.TryGetValue((district, type, id), out var doc) ? doc : null;

    /// <summary>
    /// Puts a document a kind writes from its events (shared totals) into the district as given, as a
    /// what-if replay does with the totals a recorded decision held (<see cref="IRecordsHeldDocuments"/>).
    /// </summary>
    public void Put(string district, CaseKind kind, object document)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(document);
        var declaration = kind.Documents.FirstOrDefault(d => d.Type == document.GetType())
            ?? throw new ArgumentException($"{kind.Name} writes no {document.GetType().Name} documents.", nameof(document));
        _documents[(district, declaration.Type, declaration.IdOf(document))] = document;
    }

    /// <summary>Drops the district's documents of a type, as a replay does before putting in those a decision held.</summary>
    public void Forget(string district, Type type)
    {
        foreach (var key in _documents.Keys.Where(k => k.District == district && k.Type == type).ToList())
        {
            _documents.Remove(key);
        }
    }

    private sealed class OwnDocuments(InMemoryLedger ledger, string district) : IFactReader
    {
        public Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => Task.FromResult(ledger.Document<T>(district, id));

        public Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => Task.FromResult(ledger.Document<T>(district, id.ToString()));
    }

    private sealed class Stream(CaseKind kind)
    {
        public CaseKind Kind { get; } = kind;

        public object? State { get; set; }

        public List<RecordedEvent> Events { get; } = [];
    }

    private sealed class Session(InMemoryLedger ledger, string district, DateTimeOffset at) : ICaseWriteSession
    {
        private (CaseKind Kind, Guid CaseId, long Version, IReadOnlyList<object> Events)? _pending;
        private Acting? _acting;
        private RuleRef? _rule;

        /// <summary>Nothing in memory is stored apart from the events it came from: there is nothing to vouch for.</summary>
        public Rejection? Refusal => null;

        /// <summary>Nothing in memory is signed: there is no key, and nothing outside to prove anything to.</summary>
        public Task<Vouching.WriteReceipt?> ReceiptAsync(long version, CancellationToken ct) => Task.FromResult<Vouching.WriteReceipt?>(null);

        public object? Derived(Type type, Guid caseId) => ledger.Document(type, district, caseId.ToString());


        public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class =>
            ledger.Document<T>(district, id) ?? (ledger._outside is { } outside ? await outside.LoadAsync<T>(id, ct) : null);

        public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class =>
            ledger.Document<T>(district, id.ToString()) ?? (ledger._outside is { } outside ? await outside.LoadAsync<T>(id, ct) : null);

        public Task<bool> ExistsAsync(Guid caseId, CancellationToken ct) => Task.FromResult(ledger._streams.ContainsKey((district, caseId)));

        public async Task<CaseForWriting> FetchForWritingAsync(CaseKind kind, Guid caseId, IReadOnlyList<DocumentRead> reads, CommandContext context,
            CancellationToken ct)
        {
            if (!ledger._streams.TryGetValue((district, caseId), out var stream) || stream.Kind != kind)
            {
                return new CaseForWriting(null, 0, _ => throw new InvalidOperationException("No such case."));
            }

            foreach (var read in reads)
            {
                await read.ReadAsync(this, context, ct);
            }

            var version = stream.Events.Count;
            return new CaseForWriting(stream.State, version, events => _pending = (kind, caseId, version, events));
        }

        /// <summary>
        /// The in-memory ledger is for one caller at a time (scenarios, replays, rule tests), so its
        /// commands run one after another: holding a shared document is reading it, from the ledger's
        /// own documents only (a replay puts in those its recorded decision read, <see cref="InMemoryLedger.Put"/>),
        /// never from outside, where the store's totals count the replayed case itself.
        /// </summary>
        public async Task HoldAsync(IReadOnlyList<DocumentRead> held, CommandContext context, CancellationToken ct)
        {
            IFactReader own = ledger.HoldsFromOutside ? this : new OwnDocuments(ledger, district);
            foreach (var document in held)
            {
                await document.ReadAsync(own, context, ct);
            }
        }

        public void Start(CaseKind kind, Guid caseId, IReadOnlyList<object> events) => _pending = (kind, caseId, 0, events);

        public void Stamp(Acting acting, RuleRef? rule, CaseKind kind)
        {
            _acting = acting;
            _rule = rule;
        }

        /// <summary>In memory nothing is scheduled: <see cref="InMemoryLedger.PassTimeAsync"/> fires what falls due.</summary>
        public Task ScheduleAsync(IReadOnlyList<Deadlines.DeadlineFallsDue> due, CancellationToken ct) => Task.CompletedTask;

        /// <summary>Documents outside the kinds' projections (idempotency records) have no reader in memory: nothing keeps them.</summary>
        public void Store<T>(T document) where T : class
        {
        }

        public Task<Rejection?> SaveAsync(CancellationToken ct)
        {
            if (_pending is not var (kind, caseId, version, events))
            {
                return Task.FromResult<Rejection?>(null);
            }

            if (!ledger._streams.TryGetValue((district, caseId), out var stream))
            {
                if (version != 0)
                {
                    return Task.FromResult<Rejection?>(CommandPipeline.LostRace());
                }

                stream = new Stream(kind);
                ledger._streams[(district, caseId)] = stream;
            }
            else if (version == 0 || stream.Events.Count != version)
            {
                return Task.FromResult<Rejection?>(version == 0 ? CommandPipeline.AlreadyExists(caseId) : CommandPipeline.LostRace());
            }

            var acting = _acting ?? throw new InvalidOperationException("Events are stamped before they are saved.");
            foreach (var e in events)
            {
                var appended = stream.Events.Count + 1;
                stream.Events.Add(new RecordedEvent(caseId, appended, kind.EventName(e.GetType()), e, at, acting.Actor,
                    string.IsNullOrWhiteSpace(acting.OnBehalfOf) || acting.OnBehalfOf == acting.Actor ? null : acting.OnBehalfOf,
                    acting.Channel.ToString(), _rule?.ToString(), Roles.NameOf(acting.Role)) { Institution = acting.Institution });

                // What the store keeps derived from the event (state, read models, documents, the service
                // record), folded by the same function the store's pipeline records the digests of.
                foreach (var changed in Derivation.CaseDerivation.Apply(kind, caseId, appended, e,
                             (type, id) => type == kind.StateType ? stream.State : ledger._documents.GetValueOrDefault((district, type, id))))
                {
                    if (changed.Type == kind.StateType)
                    {
                        stream.State = changed.Document;
                    }

                    if (changed.Type != kind.StateType || kind.Views.Any(v => v.Type == kind.StateType))
                    {
                        ledger._documents[(district, changed.Type, changed.Id)] = changed.Document;
                    }
                }
            }

            _pending = null;
            return Task.FromResult<Rejection?>(null);
        }
    }
}
