using CaseLedger.Core.Deadlines;
using CaseLedger.Core.Vouching;
using CaseLedger.Rules;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Marten.Services.BatchQuerying;
using Npgsql;

namespace CaseLedger.Core;

/// <summary>
/// The command pipeline on a Marten store: one lightweight session per command in the command's
/// district, the case's stream row locked until the append commits.
/// </summary>
/// <remarks>
/// Given the evidence (<see cref="ICaseEvidence"/>: the hash chain), a command decides only on documents
/// the case's events vouch for, and tamper findings go to <paramref name="findings"/>; without it (a
/// store with no chain), on the documents as stored.
/// </remarks>
public sealed class CasePipeline(
    IDocumentStore store,
    CaseKinds kinds,
    RuleBook rules,
    TimeProvider clock,
    IDeadlineScheduler? scheduler = null,
    ICaseEvidence? evidence = null,
    ITamperFindings? findings = null)
{
    public CaseKinds Kinds => kinds;

    public RuleBook Rules => rules;

    public async Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Command is not null && Service.CaseWideCommands.For(request.Command.GetType()) is not null)
        {
            // A case-wide command of the core (a seeded hand-over, say): the same pipeline, on the case's own kind.
            return await RunCaseWideAsync(new CaseWideRequest(request.District, request.CaseId, request.Command, request.Acting)
            {
                ExpectedVersion = request.ExpectedVersion, At = request.At, Idempotency = request.Idempotency,
            }, ct);
        }

        if (!CommandPipeline.IsDistrictId(request.District))
        {
            return await CommandPipeline.RunAsync(new RefusingSession(), kinds, rules, request, clock.GetUtcNow(), ct);
        }

        await using var session = store.LightweightSession(request.District);
        return await ExecuteAsync(session, request, ct);
    }

    /// <summary>Runs the command in a session the caller opened for the district (e.g. one enrolled in Wolverine's outbox).</summary>
    public Task<CommandOutcome> ExecuteAsync(IDocumentSession session, CommandRequest request, CancellationToken ct = default) =>
        CommandPipeline.RunAsync(Session(session, request.District), kinds, rules, request, clock.GetUtcNow(), ct);

    /// <summary>
    /// Records the case's deadlines that are due at <paramref name="at"/> (now by the pipeline's clock
    /// when not given) as breached, with the kind's escalation, as CaseLedger itself; see
    /// <see cref="CommandPipeline.RecordBreachesAsync(ICaseWriteSession, CaseKind, RuleBook, string, Guid, DateTimeOffset, CancellationToken)"/>. An unknown kind or case is a rejection.
    /// </summary>
    public async Task<CommandOutcome> RecordBreachesAsync(string district, string kind, Guid caseId, DateTimeOffset? at = null, CancellationToken ct = default)
    {
        if (!CommandPipeline.IsDistrictId(district) || kinds.Named(kind) is not { KeepsDeadlines: true } declared)
        {
            return CommandOutcome.Rejected(caseId, CommandPipeline.NotFound(caseId));
        }

        await using var session = store.LightweightSession(district);
        return await CommandPipeline.RecordBreachesAsync(Session(session, district), declared, rules, district,
            caseId, at ?? clock.GetUtcNow(), ct);
    }

    /// <summary>
    /// Records the breaches of many cases of a district that are due at <paramref name="at"/> (now by the
    /// pipeline's clock when not given) in one transaction (<see cref="CommandPipeline.RecordBreachesAsync(ICaseBatchSession, RuleBook, string, IReadOnlyList{ValueTuple{CaseKind, Guid}}, DateTimeOffset, CancellationToken)"/>):
    /// the same decisions, evidence and read models as one case at a time, a commit for all of them.
    /// Should the batch fail as a whole (a stored document that cannot be read, a lost race), each case
    /// is recorded again on its own, so one bad case never holds back the others; a case that fails on
    /// its own too fails the call after the others were recorded. A case named twice is recorded once.
    /// Returns one outcome per distinct case, in the order given.
    /// </summary>
    public async Task<IReadOnlyList<CommandOutcome>> RecordBreachesAsync(string district, IReadOnlyList<(string Kind, Guid CaseId)> cases,
        DateTimeOffset? at = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(cases);
        var now = at ?? clock.GetUtcNow();
        var distinct = cases.DistinctBy(c => c.CaseId).ToList();
        var outcomes = new Dictionary<Guid, CommandOutcome>();
        var known = new List<(CaseKind Kind, Guid CaseId)>();
        foreach (var (kind, caseId) in distinct)
        {
            if (CommandPipeline.IsDistrictId(district) && kinds.Named(kind) is { KeepsDeadlines: true } declared)
            {
                known.Add((declared, caseId));
            }
            else
            {
                outcomes[caseId] = CommandOutcome.Rejected(caseId, CommandPipeline.NotFound(caseId));
            }
        }

        if (known.Count > 0 && await RecordTogetherAsync(district, known, now, ct) is { } together)
        {
            foreach (var outcome in together)
            {
                outcomes[outcome.CaseId] = outcome;
            }
        }
        else if (known.Count > 0)
        {
            var failures = new List<Exception>();
            foreach (var (kind, caseId) in known)
            {
                try
                {
                    outcomes[caseId] = await RecordBreachesAsync(district, kind.Name, caseId, now, ct);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add(e);
                }
            }

            if (failures.Count > 0)
            {
                throw new AggregateException($"Recording the breaches of {failures.Count} of {known.Count} cases failed; the others were recorded.", failures);
            }
        }

        return distinct.Select(c => outcomes[c.CaseId]).ToList();
    }

    /// <summary>The breaches of the cases in one transaction; null when the batch failed as a whole (nothing of it was stored).</summary>
    private async Task<IReadOnlyList<CommandOutcome>?> RecordTogetherAsync(string district, IReadOnlyList<(CaseKind Kind, Guid CaseId)> cases,
        DateTimeOffset now, CancellationToken ct)
    {
        try
        {
            await using var session = store.LightweightSession(district);
            var batch = new MartenCaseBatch(session, kinds, shared => Session(shared, district, batched: true));
            var outcomes = await CommandPipeline.RecordBreachesAsync(batch, rules, district, cases, now, ct);
            return outcomes.Any(o => o.Rejection?.Code == CommandPipeline.LostRace().Code) ? null : outcomes;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>
    /// Runs a case-wide operation of the core (a hand-over, a complaint) on a case of whatever kind it
    /// is, through the pipeline (<see cref="CommandPipeline.RunCaseWideAsync"/>); the kind is the one
    /// whose state the case's stream holds. No such case in the district is a rejection.
    /// </summary>
    public async Task<CommandOutcome> RunCaseWideAsync(CaseWideRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!CommandPipeline.IsDistrictId(request.District) || request.CaseId == Guid.Empty)
        {
            return await CommandPipeline.RunCaseWideAsync(new RefusingSession(), kinds.All[0], rules, request, clock.GetUtcNow(), ct);
        }

        CaseKind? kind;
        await using (var query = store.QuerySession(request.District))
        {
            kind = kinds.ForStateType((await query.Events.FetchStreamStateAsync(request.CaseId, ct))?.AggregateType);
        }

        if (kind is null)
        {
            return CommandOutcome.Rejected(request.CaseId, CommandPipeline.NotFound(request.CaseId));
        }

        await using var session = store.LightweightSession(request.District);
        return await CommandPipeline.RunCaseWideAsync(Session(session, request.District), kind, rules,
            request, clock.GetUtcNow(), ct);
    }

    /// <summary>
    /// Lets time pass in a district up to <paramref name="until"/> (for scenarios and seeds through the
    /// store): each deadline that falls due on the way is recorded as breached at its own due time,
    /// earliest first, as its scheduled check would have; only <paramref name="cases"/> when given.
    /// </summary>
    public async Task<IReadOnlyList<CommandOutcome>> PassTimeAsync(string district, DateTimeOffset until, IReadOnlyCollection<Guid>? cases = null,
        CancellationToken ct = default)
    {
        var outcomes = new List<CommandOutcome>();
        while (true)
        {
            Service.CaseService? next;
            await using (var session = store.QuerySession(district))
            {
                var due = session.Query<Service.CaseService>().Where(d => d.NextDue != null && d.NextDue <= until);
                if (cases is not null)
                {
                    due = due.Where(d => d.Id.IsOneOf(cases.ToArray()));
                }

                next = await due.OrderBy(d => d.NextDue).FirstOrDefaultAsync(ct);
            }

            // The case's service record names its kind.
            if (next is not { NextDue: { } at })
            {
                return outcomes;
            }

            var outcome = await RecordBreachesAsync(district, next.Kind, next.Id, at, ct);
            if (outcome.Events.Count == 0)
            {
                return outcomes;
            }

            outcomes.Add(outcome);
        }
    }

    private MartenCaseSession Session(IDocumentSession session, string district, bool batched = false) =>
        new(session, kinds, scheduler, district, evidence, findings, clock, rules.UtcOffset, batched);

    /// <summary>Never reached: the pipeline refuses the request before it touches a session.</summary>
    private sealed class RefusingSession : ICaseWriteSession
    {
        public Rejection? Refusal => null;

        public Task<Vouching.WriteReceipt?> ReceiptAsync(long version, CancellationToken ct) => throw new InvalidOperationException();

        public object? Derived(Type type, Guid caseId) => throw new InvalidOperationException();


        public Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => throw new InvalidOperationException();

        public Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => throw new InvalidOperationException();

        public Task<bool> ExistsAsync(Guid caseId, CancellationToken ct) => throw new InvalidOperationException();

        public Task<CaseForWriting> FetchForWritingAsync(CaseKind kind, Guid caseId, IReadOnlyList<DocumentRead> reads, CommandContext context, CancellationToken ct) =>
            throw new InvalidOperationException();

        public Task HoldAsync(IReadOnlyList<DocumentRead> held, CommandContext context, CancellationToken ct) => throw new InvalidOperationException();

        public void Start(CaseKind kind, Guid caseId, IReadOnlyList<object> events) => throw new InvalidOperationException();

        public void Stamp(Acting acting, RuleRef? rule, CaseKind kind) => throw new InvalidOperationException();

        public void Store<T>(T document) where T : class => throw new InvalidOperationException();

        public Task ScheduleAsync(IReadOnlyList<DeadlineFallsDue> due, CancellationToken ct) => throw new InvalidOperationException();

        public Task<Rejection?> SaveAsync(CancellationToken ct) => throw new InvalidOperationException();
    }
}

/// <summary>
/// A document kept per case (a read model, the hash chain's head) that an inline projection reads on
/// every append: loaded with the case's lock in one round trip and served from the session's
/// identity map.
/// </summary>
public abstract class Preload
{
    public abstract Type Type { get; }

    public static Preload Of<TDoc>() where TDoc : class => new Typed<TDoc>();

    internal static Preload Of(Type type) => (Preload)Activator.CreateInstance(typeof(Typed<>).MakeGenericType(type))!;

    internal abstract Task Enlist(IDocumentSession session, IBatchedQuery batch, Guid caseId);

    private sealed class Typed<TDoc> : Preload where TDoc : class
    {
        public override Type Type => typeof(TDoc);

        internal override Task Enlist(IDocumentSession session, IBatchedQuery batch, Guid caseId)
        {
            session.UseIdentityMapFor<TDoc>();
            return batch.Load<TDoc>(caseId);
        }
    }
}
