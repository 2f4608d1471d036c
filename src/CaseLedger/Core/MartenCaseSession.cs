using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Derivation;
using CaseLedger.Core.Service;
using CaseLedger.Core.Vouching;
using CaseLedger.Rules;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Npgsql;

namespace CaseLedger.Core;

/// <summary>
/// The pipeline's session on a Marten store, for one command in one district. Besides holding the
/// case and appending, it vouches for what the decision reads: every document derived from events
/// (the case's state, read models and service record, the documents its kind writes by id, another
/// case's state read as a fact, shared totals it holds) is compared with the digest the events that
/// produced it recorded; a document that is not what they recorded is folded again from the case's
/// events, checked against its hash chain, and the decision takes that (a tamper finding is
/// recorded; the stored document stays as it is until a rebuild). And it records, on each event it
/// appends, the digests of the documents that event leaves (<see cref="DigestHeader"/>), chained with
/// the event's other headers.
/// </summary>
internal sealed class MartenCaseSession(
    IDocumentSession session,
    CaseKinds kinds,
    IDeadlineScheduler? scheduler,
    string district,
    ICaseEvidence? evidence,
    ITamperFindings? findings,
    TimeProvider clock,
    TimeSpan civilOffset,
    bool batched = false) : ICaseWriteSession
{
    private readonly Dictionary<(Type Type, string Id), object?> _before = [];
    private readonly Dictionary<Guid, IReadOnlyDictionary<(Type Type, string Id), object>?> _histories = [];
    private CaseKind? _kind;
    private Guid _caseId;
    private long _version;
    private Func<IReadOnlyList<JasperFx.Events.IEvent>> _appended = () => [];
    private int _appendedBefore;
    private bool _recordAll;
    private (RuleRef? Rule, CaseKind Kind)? _stamp;

    public Rejection? Refusal { get; private set; }

    private ISerializer Serializer => session.DocumentStore.Options.Serializer();

    public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class
    {
        if (evidence is null || !kinds.IsWrittenFromEvents(typeof(T)))
        {
            return await session.LoadAsync<T>(id, ct);
        }

        var batch = session.CreateBatchQuery();
        var document = batch.Load<T>(id);
        var record = batch.Load<VouchedDocument>(DerivedDocument.KeyOf(typeof(T), id));
        await batch.Execute(ct);
        var read = new DocumentRead<T>(id);
        read.Found(await document, await record);
        return (T?)await VouchedAsync(read, ct);
    }

    public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class
    {
        var document = await session.LoadAsync<T>(id, ct);
        if (evidence is null || !kinds.IsKeptPerCase(typeof(T)))
        {
            return document;
        }

        var recorded = await evidence.CaseDigestsAsync(session, id, ct);
        var vouched = await VouchPerCaseAsync(typeof(T), id, document, recorded, ct);
        if (id == _caseId)
        {
            _before[(typeof(T), id.ToString("D"))] = vouched;
        }

        return (T?)vouched;
    }

    public async Task<bool> ExistsAsync(Guid caseId, CancellationToken ct) => await session.Events.FetchStreamStateAsync(caseId, ct) is not null;

    public async Task<CaseForWriting> FetchForWritingAsync(CaseKind kind, Guid caseId, IReadOnlyList<DocumentRead> reads, CommandContext context,
        CancellationToken ct)
    {
        foreach (var read in reads)
        {
            read.Vouch = evidence is not null && kinds.IsWrittenFromEvents(read.Type);
        }

        CaseForWriting stream;
        try
        {
            stream = await kind.FetchForWritingAsync(session, caseId, kinds.PreloadsFor(kind), reads, context, ct);
        }
        catch (Exception e) when (IsUnreadable(e))
        {
            // A stored document no longer fits its class (edited by hand): nothing can be decided on the
            // case, nor its projections kept, until a rebuild writes it again from the events.
            Refusal = new Rejection("case.document_unreadable",
                $"A stored document of case {caseId} cannot be read ({e.GetBaseException().GetType().Name}): nothing is decided on it until an " +
                "administrator rebuilds its read models from its events.", RejectionKind.Conflict);
            await RecordUnreadableAsync(caseId, ct);
            return new CaseForWriting(null, 0, _ => throw new InvalidOperationException("The case could not be read."));
        }

        return await TakeAsync(kind, caseId, stream, reads, context, ct);
    }

    /// <summary>
    /// Takes a case whose stream was locked and loaded (alone, or with others in one batch, see
    /// <see cref="MartenCaseBatch"/>): vouches for its state and documents and remembers them as they
    /// were before the command.
    /// </summary>
    internal async Task<CaseForWriting> TakeAsync(CaseKind kind, Guid caseId, CaseForWriting stream, IReadOnlyList<DocumentRead> reads, CommandContext context,
        CancellationToken ct)
    {
        (_kind, _caseId, _version, _appended) = (kind, caseId, stream.Version, stream.Appended);
        if (stream.State is null)
        {
            return stream;
        }

        // The documents kept per case that came with the lock: the state and the kind's read models. The
        // service record (also preloaded, for a kind that keeps deadlines) is taken from the session's
        // identity map, and vouched for, only where it is read: by a service command, or to fold an
        // event that changes it (RecordDerivedAsync); most commands, a ballot among them, never read it.
        var id = caseId.ToString("D");
        var loaded = new Dictionary<Type, object?> { [kind.StateType] = stream.State };
        foreach (var view in kind.Views.Where(v => v.Type != kind.StateType))
        {
            loaded[view.Type] = await view.LoadAsync(session, caseId, ct);
        }

        var state = stream.State;
        if (evidence is not null)
        {
            var recorded = await evidence.CaseDigestsAsync(session, caseId, ct);
            foreach (var (type, document) in loaded.ToList())
            {
                loaded[type] = await VouchPerCaseAsync(type, caseId, document, recorded, ct);
            }

            state = loaded[kind.StateType];
            foreach (var read in reads.Where(r => r.Vouch))
            {
                context.SetFact(read.Type, await VouchedAsync(read, ct));
            }
        }

        foreach (var (type, document) in loaded)
        {
            _before[(type, id)] = document;
        }

        return state is null ? stream with { State = null } : stream with { State = state };
    }

    public async Task HoldAsync(IReadOnlyList<DocumentRead> held, CommandContext context, CancellationToken ct)
    {
        var ordered = held.Where(h => h.Key is not null).OrderBy(h => h.Key, StringComparer.Ordinal).ToList();
        if (ordered.Count > 0)
        {
            // Transaction-scoped advisory locks (the case's fetch began the transaction), one per
            // document, keyed by 64 bits of a hash of the district and the document's key, taken in
            // key order in one round trip; a hash collision only makes two commands wait on each other.
            await using var command = new NpgsqlCommand(string.Join(";", ordered.Select((_, i) => $"select pg_advisory_xact_lock(@k{i})")));
            for (var i = 0; i < ordered.Count; i++)
            {
                command.Parameters.AddWithValue($"k{i}", HeldLockKey(district, ordered[i].Key!));
            }

            await session.ExecuteAsync(command, ct);
        }

        // Loaded after the locks, in one round trip with the digests their writers recorded: each reads
        // the totals as the last holder committed them.
        foreach (var document in held)
        {
            document.Vouch = evidence is not null && kinds.IsWrittenFromEvents(document.Type);
        }

        if (held.Count > 0)
        {
            var batch = session.CreateBatchQuery();
            var loads = DocumentRead.EnlistAsync(batch, held, context);
            await batch.Execute(ct);
            await loads;
        }

        foreach (var document in held.Where(h => h.Vouch))
        {
            context.SetFact(document.Type, await VouchedAsync(document, ct));
        }
    }

    /// <summary>The advisory lock key of a held document: 64 bits of SHA-256 of the district and the document's key.</summary>
    internal static long HeldLockKey(string district, string key) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"caseledger-held:{district}:{key}")), 0);

    public void Start(CaseKind kind, Guid caseId, IReadOnlyList<object> events)
    {
        var started = kind.StartStream(session, caseId, events);
        (_kind, _caseId, _version, _appended, _appendedBefore) = (kind, caseId, 0, () => started, 0);
    }

    public void Stamp(Acting acting, RuleRef? rule, CaseKind kind)
    {
        if (batched)
        {
            // Several cases share the session, each perhaps under its own rule version: what is the
            // same for all (who acted) goes on the session, the rule and the kind on each case's own events.
            acting.ApplyTo(session);
            _stamp = (rule, kind);
            return;
        }

        acting.ApplyTo(session, rule);
        if (kind.KeepsDeadlines)
        {
            // The deadline events are the core's, shared by every kind that keeps deadlines: the
            // header says whose case they are in, for the audit trail (and survives a rebuild).
            session.SetHeader(CaseHeaders.Kind, kind.Name);
        }
    }

    public void Store<T>(T document) where T : class => session.Store(document);

    public Task ScheduleAsync(IReadOnlyList<DeadlineFallsDue> due, CancellationToken ct) =>
        due.Count == 0 || scheduler is null ? Task.CompletedTask : scheduler.ScheduleAsync(session, district, due, ct);

    public async Task<Rejection?> SaveAsync(CancellationToken ct)
    {
        // Digests are recorded where they are checked: a pipeline with no evidence (a store with no chain)
        // records none; the district's summaries are kept either way, in this transaction.
        var change = new Summaries.SummaryTally();
        await PrepareAsync(change, ct);
        Summaries.SummaryStore.Queue(session, change);
        return await SaveChangesAsync(session, ct);
    }

    /// <summary>Commits the session; a lost race on a case, or a case that already exists, comes back as a rejection.</summary>
    internal static async Task<Rejection?> SaveChangesAsync(IDocumentSession session, CancellationToken ct)
    {
        // The hash chain's projection issues the write's receipt; kept in the session, it is read back without another round trip.
        session.UseIdentityMapFor<IssuedReceipt>();
        try
        {
            await session.SaveChangesAsync(ct);
            return null;
        }
        catch (Exception e) when (IsExistingStream(e))
        {
            return new Rejection("case.already_exists", "A case with this id already exists.", RejectionKind.Conflict);
        }
        catch (Exception e) when (IsLostRace(e))
        {
            return CommandPipeline.LostRace();
        }
    }

    public object? Derived(Type type, Guid caseId) => _before.GetValueOrDefault((type, caseId.ToString("D")));

    public async Task<WriteReceipt?> ReceiptAsync(long version, CancellationToken ct) =>
        // A store that signs no receipt has none to read back: no round trip for it.
        ReceiptIssuing.IsOn(session.DocumentStore)
            ? (await session.LoadAsync<IssuedReceipt>(IssuedReceipt.IdFor(_caseId, version), ct))?.Receipt
            : null;

    /// <summary>
    /// Sets, on each event this command appends, the digests of the documents it leaves: folded from
    /// the documents the command started from (vouched for, or folded from the verified events) with
    /// the same functions the store's projections fold with. And adds to <paramref name="change"/> the
    /// change those documents make to the district's summaries (what each contributes after the
    /// command less what it contributed before), which the caller queues in the same transaction.
    /// In a batch, also puts the rule and the kind on the case's own events (<see cref="Stamp"/>).
    /// </summary>
    internal async Task PrepareAsync(Summaries.SummaryTally change, CancellationToken ct)
    {
        if (_kind is not { } kind)
        {
            return;
        }

        var events = _appended().Skip(_appendedBefore).ToList();
        if (_stamp is { } stamp)
        {
            foreach (var e in events)
            {
                if (stamp.Rule is not null)
                {
                    e.SetHeader(CaseHeaders.Rule, stamp.Rule.ToString());
                }

                if (stamp.Kind.KeepsDeadlines)
                {
                    e.SetHeader(CaseHeaders.Kind, stamp.Kind.Name);
                }
            }
        }

        var id = _caseId.ToString("D");
        if (events.Any(e => CaseDerivation.ChangesService(e.Data)) && _version > 0 && !_before.ContainsKey((typeof(CaseService), id)))
        {
            await LoadAsync<CaseService>(_caseId, ct);
        }

        // The per-case documents the summaries sum over, as they were before this command's events.
        var summarized = new Dictionary<Type, object?>();
        foreach (var type in kind.Views.Select(v => v.Type).Append(typeof(CaseService)).Distinct().Where(t => kinds.SummariesOf(t).Count > 0))
        {
            summarized[type] = _before.GetValueOrDefault((type, id));
        }

        var before = summarized.ToDictionary(s => s.Key, s => s.Value);
        var serializer = Serializer;
        var version = _version;
        foreach (var e in events)
        {
            version++;
            var changed = CaseDerivation.Apply(kind, _caseId, version, e.Data, (type, documentId) => _before.GetValueOrDefault((type, documentId)));
            foreach (var document in changed.Where(d => d.PerCase && summarized.ContainsKey(d.Type)))
            {
                summarized[document.Type] = document.Document;
            }

            if (evidence is null)
            {
                foreach (var document in changed)
                {
                    _before[(document.Type, document.Id)] = document.Document;
                }

                continue;
            }

            var perCase = new Dictionary<string, string>(StringComparer.Ordinal);
            if (_recordAll)
            {
                // The case's documents had no digests on record (or of an older shape): the first event
                // after they were folded from the verified events records them all.
                // (Only those kept per case: a document written by id may since have been written by another case.)
                foreach (var ((type, documentId), document) in _before.Where(b => b.Key.Id == id && b.Value is not null && kinds.IsKeptPerCase(b.Key.Type)))
                {
                    perCase[type.Name] = DocumentDigest.Of(document!, serializer);
                }

                _recordAll = false;
            }

            e.SetHeader(DigestHeader.Name, DigestHeader.Of(changed, serializer, perCase));
            foreach (var document in changed)
            {
                _before[(document.Type, document.Id)] = document.Document;
            }
        }

        _appendedBefore += events.Count;
        foreach (var (type, after) in summarized)
        {
            change.Add(Summaries.SummaryTally.Change(kinds.SummariesOf(type), before[type], after, civilOffset));
        }
    }

    /// <summary>
    /// A document kept per case, as the command may decide on it: the stored one when its digest is the
    /// one its case's events recorded; else the one folded from the case's verified events, with a
    /// tamper finding when the stored one differs from it (not when the digest on record was only
    /// missing or of an older shape of the document: recorded before digests were kept, or before a
    /// new version of CaseLedger changed the type).
    /// </summary>
    private async Task<object?> VouchPerCaseAsync(Type type, Guid caseId, object? stored, IReadOnlyDictionary<string, string>? recorded,
        CancellationToken ct)
    {
        var onRecord = recorded?.GetValueOrDefault(type.Name);
        if (stored is null && onRecord is null)
        {
            return null;
        }

        var found = stored is null ? null : DocumentDigest.Of(stored, Serializer);
        if (found is not null && found == onRecord)
        {
            return stored;
        }

        if (await HistoryAsync(caseId, ct) is not { } derived)
        {
            return stored;
        }

        if (caseId == _caseId)
        {
            // What the events produce is on record again with the next event this command appends.
            _recordAll = true;
        }

        var expected = derived.GetValueOrDefault((type, caseId.ToString("D")));
        await CompareAsync(caseId, DerivedDocument.KeyOf(type, caseId.ToString("D")), stored, found, expected, ct);
        return expected;
    }

    /// <summary>
    /// A document written from events by id, as the command may decide on it: the loaded one when its
    /// digest is the one its writer recorded; else the one its writer's verified events produce (none
    /// when no event writes it), with a tamper finding when the stored one differs from it.
    /// </summary>
    private async Task<object?> VouchedAsync(DocumentRead read, CancellationToken ct)
    {
        var (stored, record) = (read.Loaded, read.Record);
        if (stored is null && record is null)
        {
            return null;
        }

        var found = stored is null ? null : DocumentDigest.Of(stored, Serializer);
        if (found is not null && found == record?.Digest)
        {
            return stored;
        }

        var key = read.Key!;
        var writer = record is not null && DocumentDigest.IsOfShape(record.Digest, read.Type)
            ? record.CaseId
            : await evidence!.LastWriterAsync(session, read.Type, key, ct);
        object? expected = null;
        if (writer is { } writerCase)
        {
            if (await HistoryAsync(writerCase, ct) is not { } derived)
            {
                return stored;
            }

            expected = derived.GetValueOrDefault((read.Type, read.Id!));
        }

        await CompareAsync(writer ?? _caseId, key, stored, found, expected, ct);
        return expected;
    }

    /// <summary>
    /// Every document derived from a case's events, folded from its events as its chain vouches for
    /// them; null (and the command refused) when the chain does not verify.
    /// </summary>
    private async Task<IReadOnlyDictionary<(Type Type, string Id), object>?> HistoryAsync(Guid caseId, CancellationToken ct)
    {
        if (_histories.TryGetValue(caseId, out var known))
        {
            return known;
        }

        Telemetry.CaseLedgerMeter.Refolds.Add(1, new KeyValuePair<string, object?>("district", district));
        var history = await evidence!.VerifiedHistoryAsync(session, caseId, ct);
        if (!history.Intact)
        {
            Refusal ??= CommandPipeline.HistoryUnverified(caseId, history.Problem!);
            _histories[caseId] = null;
            return null;
        }

        var kind = history.Events.Select(e => kinds.ForEventType(e.Data.GetType())).FirstOrDefault(k => k is not null);
        var derived = new Dictionary<(Type Type, string Id), object>();
        if (kind is not null)
        {
            foreach (var e in history.Events)
            {
                foreach (var document in CaseDerivation.Apply(kind, caseId, e.Version, e.Data, (type, id) => derived.GetValueOrDefault((type, id))))
                {
                    derived[(document.Type, document.Id)] = document.Document;
                }
            }
        }

        if (caseId == _caseId)
        {
            foreach (var (key, document) in derived.Where(d => kinds.IsKeptPerCase(d.Key.Type) || kinds.IsWrittenFromEvents(d.Key.Type)))
            {
                _before[key] = document;
            }
        }

        _histories[caseId] = derived;
        return derived;
    }

    /// <summary>Records a tamper finding when the stored document is not the one the verified events produce.</summary>
    private async Task CompareAsync(Guid caseId, string key, object? stored, string? found, object? expected, CancellationToken ct)
    {
        var serializer = Serializer;
        var derived = expected is null ? null : DocumentDigest.Of(expected, serializer);
        if (found == derived || findings is null)
        {
            return;
        }

        var difference = stored is not null && expected is not null
            ? JsonDifference.Between(serializer.ToJson(expected), serializer.ToJson(stored))
            : null;
        await findings.RecordAsync(district, new TamperFinding
        {
            Id = Guid.NewGuid(),
            CaseId = caseId,
            Document = key,
            What = stored is null
                ? "the document is missing, but the case's events write it"
                : expected is null
                    ? "the document is stored, but no event writes it"
                    : "the stored document is not what the case's events produce; the command decided on what they produce",
            Member = difference?.Member,
            Expected = difference?.Expected ?? derived,
            Stored = difference?.Found ?? found,
            FoundBy = "command",
            FoundAt = clock.GetUtcNow(),
        }, ct);
    }

    private async Task RecordUnreadableAsync(Guid caseId, CancellationToken ct)
    {
        if (findings is not null)
        {
            await findings.RecordAsync(district, new TamperFinding
            {
                Id = Guid.NewGuid(),
                CaseId = caseId,
                Document = $"case:{caseId:D}",
                What = "a stored document of the case cannot be read as its class: it was edited outside CaseLedger; the command was refused",
                FoundBy = "command",
                FoundAt = clock.GetUtcNow(),
            }, ct);
        }
    }

    private static bool IsUnreadable(Exception e) =>
        e is System.Text.Json.JsonException || (e.InnerException is { } inner && IsUnreadable(inner));

    private static bool IsExistingStream(Exception e) =>
        e is ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || (e.InnerException is { } inner && IsExistingStream(inner));

    private static bool IsLostRace(Exception e) =>
        e is ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException or StreamLockedException
        || (e.InnerException is { } inner && IsLostRace(inner));
}
