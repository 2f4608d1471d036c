using CaseLedger.Rules;
using JasperFx;
using Marten;
using Marten.Exceptions;
using Marten.Services.BatchQuerying;

namespace CaseLedger.Core;

/// <summary>
/// The command pipeline on a Marten store: one lightweight session per command in the command's
/// district, the case's stream row locked until the append commits.
/// </summary>
public sealed class CasePipeline(IDocumentStore store, CaseKinds kinds, RuleBook rules, TimeProvider clock)
{
    public CaseKinds Kinds => kinds;

    public RuleBook Rules => rules;

    public async Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!CommandPipeline.IsDistrictId(request.District))
        {
            return await CommandPipeline.RunAsync(new RefusingSession(), kinds, rules, request, clock.GetUtcNow(), ct);
        }

        await using var session = store.LightweightSession(request.District);
        return await ExecuteAsync(session, request, ct);
    }

    /// <summary>Runs the command in a session the caller opened for the district (e.g. one enrolled in Wolverine's outbox).</summary>
    public Task<CommandOutcome> ExecuteAsync(IDocumentSession session, CommandRequest request, CancellationToken ct = default) =>
        CommandPipeline.RunAsync(new MartenCaseSession(session, kinds.PreloadsFor), kinds, rules, request, clock.GetUtcNow(), ct);

    /// <summary>Never reached: the pipeline refuses the request before it touches a session.</summary>
    private sealed class RefusingSession : ICaseWriteSession
    {
        public Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => throw new InvalidOperationException();

        public Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => throw new InvalidOperationException();

        public Task<bool> ExistsAsync(Guid caseId, CancellationToken ct) => throw new InvalidOperationException();

        public Task<CaseForWriting> FetchForWritingAsync(CaseKind kind, Guid caseId, IReadOnlyList<DocumentRead> reads, CommandContext context, CancellationToken ct) =>
            throw new InvalidOperationException();

        public void Start(CaseKind kind, Guid caseId, IReadOnlyList<object> events) => throw new InvalidOperationException();

        public void Stamp(Acting acting, RuleRef? rule) => throw new InvalidOperationException();

        public void Store<T>(T document) where T : class => throw new InvalidOperationException();

        public Task<Rejection?> SaveAsync(CancellationToken ct) => throw new InvalidOperationException();
    }
}

internal sealed class MartenCaseSession(IDocumentSession session, Func<CaseKind, IReadOnlyList<Preload>> preloads) : ICaseWriteSession
{
    public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);

    public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);

    public async Task<bool> ExistsAsync(Guid caseId, CancellationToken ct) => await session.Events.FetchStreamStateAsync(caseId, ct) is not null;

    public Task<CaseForWriting> FetchForWritingAsync(CaseKind kind, Guid caseId, IReadOnlyList<DocumentRead> reads, CommandContext context, CancellationToken ct) =>
        kind.FetchForWritingAsync(session, caseId, preloads(kind), reads, context, ct);

    public void Start(CaseKind kind, Guid caseId, IReadOnlyList<object> events) => kind.StartStream(session, caseId, events);

    public void Stamp(Acting acting, RuleRef? rule) => acting.ApplyTo(session, rule);

    public void Store<T>(T document) where T : class => session.Store(document);

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
