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
    /// <see cref="CommandPipeline.RecordBreachesAsync"/>. An unknown kind or case is a rejection.
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

    private MartenCaseSession Session(IDocumentSession session, string district) =>
        new(session, kinds, scheduler, district, evidence, findings, clock, rules.UtcOffset);

    /// <summary>Never reached: the pipeline refuses the request before it touches a session.</summary>
    private sealed class RefusingSession : ICaseWriteSession
    {
        public Rejection? Refusal => null;

        public Task<Vouching.WriteReceipt?> ReceiptAsync(long version, CancellationToken ct) => throw new InvalidOperationException();


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
