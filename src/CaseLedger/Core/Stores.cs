using CaseLedger.Core.Deadlines;
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
public sealed class CasePipeline(IDocumentStore store, CaseKinds kinds, RuleBook rules, TimeProvider clock, IDeadlineScheduler? scheduler = null)
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
        CommandPipeline.RunAsync(new MartenCaseSession(session, kinds.PreloadsFor, scheduler, request.District), kinds, rules, request, clock.GetUtcNow(), ct);

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
        return await CommandPipeline.RecordBreachesAsync(new MartenCaseSession(session, kinds.PreloadsFor, scheduler, district), declared, rules, district,
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
        return await CommandPipeline.RunCaseWideAsync(new MartenCaseSession(session, kinds.PreloadsFor, scheduler, request.District), kind, rules,
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

    /// <summary>Never reached: the pipeline refuses the request before it touches a session.</summary>
    private sealed class RefusingSession : ICaseWriteSession
    {
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

internal sealed class MartenCaseSession(IDocumentSession session, Func<CaseKind, IReadOnlyList<Preload>> preloads, IDeadlineScheduler? scheduler,
    string district) : ICaseWriteSession
{
    public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);

    public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);

    public async Task<bool> ExistsAsync(Guid caseId, CancellationToken ct) => await session.Events.FetchStreamStateAsync(caseId, ct) is not null;

    public Task<CaseForWriting> FetchForWritingAsync(CaseKind kind, Guid caseId, IReadOnlyList<DocumentRead> reads, CommandContext context, CancellationToken ct) =>
        kind.FetchForWritingAsync(session, caseId, preloads(kind), reads, context, ct);

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

        // Loaded after the locks, in one round trip: each reads the totals as the last holder committed them.
        var batch = session.CreateBatchQuery();
        var loads = held.Select(h => h.EnlistAsync(batch, context)).ToList();
        if (loads.Count > 0)
        {
            await batch.Execute(ct);
            await Task.WhenAll(loads);
        }
    }

    /// <summary>The advisory lock key of a held document: 64 bits of SHA-256 of the district and the document's key.</summary>
    internal static long HeldLockKey(string district, string key) =>
        BitConverter.ToInt64(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"caseledger-held:{district}:{key}")), 0);

    public void Start(CaseKind kind, Guid caseId, IReadOnlyList<object> events) => kind.StartStream(session, caseId, events);

    public void Stamp(Acting acting, RuleRef? rule, CaseKind kind)
    {
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

    private static bool IsExistingStream(Exception e) =>
        e is ExistingStreamIdCollisionException or JasperFx.Events.ExistingStreamIdCollisionException
        || (e.InnerException is { } inner && IsExistingStream(inner));

    private static bool IsLostRace(Exception e) =>
        e is ConcurrencyException or JasperFx.Events.EventStreamUnexpectedMaxEventIdException or StreamLockedException
        || (e.InnerException is { } inner && IsLostRace(inner));
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
