using System.Linq.Expressions;
using System.Reflection;
using JasperFx.Events;
using JasperFx.Events.Projections;
using Marten;
using Marten.Events.Aggregation;
using Marten.Events.Projections;

namespace CaseLedger.Core;

/// <summary>
/// A read model kept per case, folded from the case's events by a pure evolve function in the same
/// transaction as they are appended; the same function serves the store, the in-memory ledger,
/// point-in-time views and replays.
/// </summary>
public abstract class ViewDeclaration
{
    public abstract Type Type { get; }

    /// <summary>The query-string filters the district's list of these views accepts.</summary>
    public abstract IReadOnlyList<string> Filters { get; }

    /// <summary>Whether a filter's value can be refused (<c>query.filter_unknown_value</c>): one on an enum member takes only its names.</summary>
    public abstract bool RefusesFilterValues { get; }

    public abstract object? Evolve(object? view, object e);

    /// <summary>A copy of the view carrying the case's version, as the store sets it.</summary>
    public abstract object WithVersion(object view, long version);

    internal abstract void Register(StoreOptions options, IEnumerable<Type> eventTypes, Type caseState, bool isState);

    /// <summary>The view of one case, or null when the session's district has no such case.</summary>
    public abstract Task<object?> LoadAsync(IQuerySession session, Guid caseId, CancellationToken ct);

    /// <summary>The case version a view was built to (its <c>Version</c> member), if it keeps one.</summary>
    public abstract long? VersionOf(object view);

    /// <summary>
    /// The members the district's list filters and sorts on, by the JSON name the store keeps them under:
    /// each is the leading member of an index declared with the view (a test finds each in <c>pg_indexes</c>).
    /// </summary>
    public abstract IReadOnlyList<string> IndexedMembers { get; }

    /// <summary>The name a list's cursors carry, so a cursor of one list is not read by another.</summary>
    public string ListName => Type.Name;

    /// <summary>
    /// One page of the district's views, newest first (ties by id), filtered by the named query values,
    /// after the cursor's item; the next page's cursor (null on the last page), the count when asked,
    /// or a rejection for a filter it cannot read.
    /// </summary>
    internal abstract Task<(ListPage<object> Page, Rejection? Refused)> ListAsync(
        IQuerySession session, IReadOnlyDictionary<string, string> filters, PageRequest page, CancellationToken ct);
}

public sealed class ViewDeclaration<TView> : ViewDeclaration where TView : class
{
    private static readonly PropertyInfo? VersionProperty =
        typeof(TView).GetProperty("Version", BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var t } p && t == typeof(long) && p.CanWrite ? p : null;

    private static readonly MethodInfo Clone = typeof(object).GetMethod("MemberwiseClone", BindingFlags.NonPublic | BindingFlags.Instance)!;

    private readonly Func<TView?, object, TView?> _evolve;
    private readonly List<(string Name, LambdaExpression Member, Func<string, (Expression<Func<TView, bool>>? Where, Rejection? Refused)> Parse)> _filters = [];
    private readonly List<Expression<Func<TView, object?>>> _indexes = [];
    private Expression<Func<TView, DateTimeOffset>>? _newest;

    internal ViewDeclaration(Func<TView?, object, TView?> evolve) => _evolve = evolve;

    public override Type Type => typeof(TView);

    public override IReadOnlyList<string> Filters => _filters.Select(f => f.Name).ToList();

    public override IReadOnlyList<string> IndexedMembers =>
        [.. _newest is null ? Array.Empty<string>() : [JsonName(_newest)], .. _filters.Select(f => JsonName(f.Member)), .. _indexes.Select(JsonName), .. _containment.Select(JsonName)];

    public override bool RefusesFilterValues => _refusingFilters;

    private bool _refusingFilters;

    public override object? Evolve(object? view, object e) => _evolve((TView?)view, e);

    public override object WithVersion(object view, long version)
    {
        if (VersionProperty is null)
        {
            return view;
        }

        var copy = Clone.Invoke(view, null)!;
        VersionProperty.SetValue(copy, version);
        return copy;
    }

    public override async Task<object?> LoadAsync(IQuerySession session, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(session);
        return await session.LoadAsync<TView>(caseId, ct);
    }

    public override long? VersionOf(object view) => VersionProperty?.GetValue(view) as long?;

    /// <summary>Lists put the most recent first by this time.</summary>
    public ViewDeclaration<TView> NewestFirstBy(Expression<Func<TView, DateTimeOffset>> time)
    {
        _newest = time;
        return this;
    }

    /// <summary>An index on a member that lists or facts look views up by.</summary>
    public ViewDeclaration<TView> Indexed(Expression<Func<TView, object?>> member)
    {
        _indexes.Add(member);
        return this;
    }

    /// <summary>
    /// A GIN index on a collection member that a query looks cases up by containment (e.g. the cases
    /// whose steps name an institution: Marten writes <c>data -> 'steps' @> ...</c>, which this index serves).
    /// </summary>
    public ViewDeclaration<TView> IndexedForContainment(Expression<Func<TView, object>> collection)
    {
        _containment.Add(collection);
        return this;
    }

    private readonly List<Expression<Func<TView, object>>> _containment = [];

    /// <summary>A filter of the list, <c>?name=value</c>, on a text member or an enum member (by name, case-insensitive).</summary>
    public ViewDeclaration<TView> FilteredBy<TValue>(string name, Expression<Func<TView, TValue>> member)
    {
        ArgumentNullException.ThrowIfNull(member);
        var enumType = Nullable.GetUnderlyingType(typeof(TValue)) ?? typeof(TValue);
        _refusingFilters |= enumType.IsEnum;
        _filters.Add((name, member, text =>
        {
            object? value;
            if (enumType.IsEnum)
            {
                var match = Enum.GetNames(enumType).FirstOrDefault(n => string.Equals(n, text.Trim(), StringComparison.OrdinalIgnoreCase));
                if (match is null)
                {
                    return (null, new Rejection("query.filter_unknown_value",
                        $"'{text}' is not a {name}: use one of {string.Join(", ", Enum.GetNames(enumType))}.", RejectionKind.Invalid));
                }

                value = Enum.Parse(enumType, match);
            }
            else if (typeof(TValue) == typeof(string))
            {
                value = text;
            }
            else
            {
                throw new NotSupportedException($"Filter {name} is on a {typeof(TValue).Name}; filters are on text or enum members.");
            }

            var equal = Expression.Equal(member.Body, Expression.Constant(value, typeof(TValue)));
            return (Expression.Lambda<Func<TView, bool>>(equal, member.Parameters), null);
        }));
        return this;
    }

    internal override void Register(StoreOptions options, IEnumerable<Type> eventTypes, Type caseState, bool isState)
    {
        if (!isState)
        {
            options.Projections.Add(new CaseProjection<TView>(_evolve, eventTypes, caseState), ProjectionLifecycle.Inline);
        }

        // The district's list is read per district, newest first: every index leads with the district
        // (the tenant), and the sort's and each filter's end with the sort, so a filtered page is one range of an index.
        var schema = options.Schema.For<TView>().StartIndexesByTenantId();
        var id = Keyset.IdOf<TView>();
        if (_newest is not null)
        {
            Expression<Func<TView, object>>[] sort = [Boxed(_newest), Boxed(id)];
            schema.Index(sort);
            foreach (var (_, member, _) in _filters)
            {
                schema.Index([Boxed(member), .. sort]);
            }
        }

        foreach (var index in _indexes)
        {
            schema.Index(index);
        }

        foreach (var collection in _containment)
        {
            schema.GinIndexJsonDataMember(collection);
        }
    }

    /// <summary>The time the district's list is ordered by, newest first; every view that is listed declares one.</summary>
    private Expression<Func<TView, DateTimeOffset>> Newest =>
        _newest ?? throw new InvalidOperationException($"{typeof(TView).Name} is listed, so it says what orders its list: NewestFirstBy(...).");

    /// <summary>A member as the untyped expression Marten's index declarations take.</summary>
    private static Expression<Func<TView, object>> Boxed(LambdaExpression member) =>
        Expression.Lambda<Func<TView, object>>(Expression.Convert(member.Body, typeof(object)), member.Parameters);

    /// <summary>A member's name as the store writes it in JSON (camel case).</summary>
    private static string JsonName(LambdaExpression member)
    {
        var body = member.Body is UnaryExpression { NodeType: ExpressionType.Convert } convert ? convert.Operand : member.Body;
        var name = ((MemberExpression)body).Member.Name;
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    internal override async Task<(ListPage<object> Page, Rejection? Refused)> ListAsync(
        IQuerySession session, IReadOnlyDictionary<string, string> filters, PageRequest page, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(page);
        IQueryable<TView> query = session.Query<TView>();
        foreach (var (name, _, parse) in _filters)
        {
            if (!filters.TryGetValue(name, out var text) || string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            var (where, refused) = parse(text);
            if (refused is not null)
            {
                return (new ListPage<object>([], null, null), refused);
            }

            query = query.Where(where!);
        }

        var count = await ListCounts.CountAsync(session, query, page.Count, ct);
        var (items, cursor) = await Keyset.NewestFirstAsync(query, Newest, ListName, page, ct);
        return (new ListPage<object>(items.Cast<object>().ToList(), null, cursor, count), null);
    }
}

/// <summary>Small documents written straight from events (no reads), e.g. one per unit of a vote's roll.</summary>
public abstract class DocumentsDeclaration
{
    public abstract Type Type { get; }

    /// <summary>The documents an event writes, each with its id.</summary>
    public abstract IEnumerable<(string Id, object Document)> From(object e);

    /// <summary>The id of a document of this type.</summary>
    public abstract string IdOf(object document);

    internal abstract void Register(StoreOptions options);
}

public sealed class DocumentsDeclaration<TDoc>(Func<object, IEnumerable<TDoc>> fromEvent, Func<TDoc, string> id) : DocumentsDeclaration
    where TDoc : class
{
    public override Type Type => typeof(TDoc);

    public override IEnumerable<(string Id, object Document)> From(object e) => fromEvent(e).Select(d => (id(d), (object)d));

    public override string IdOf(object document) => id((TDoc)document);

    internal override void Register(StoreOptions options) =>
        options.Projections.Add(new DocumentsProjection<TDoc>(fromEvent), ProjectionLifecycle.Inline, $"{typeof(TDoc).Name}Documents");
}

/// <summary>
/// A kind's read-only query of a district, e.g. a summary across its cases, answering with a
/// <paramref name="ResultType"/>; it is given the query string's values and the moment it is read at
/// with the rule book (what is worked out from the clock, such as a deadline's time left, is never stored).
/// </summary>
public sealed record QueryDeclaration(
    CaseKind Kind,
    string Path,
    string Summary,
    Type ResultType,
    Func<IQuerySession, IReadOnlyDictionary<string, string>, QueryContext, CancellationToken, Task<object>> Run)
{
    /// <summary>
    /// Whose own cases the query answers with, run for that role only and taking no query parameter:
    /// a resident's (<see cref="CaseKind"/>'s <c>OwnQuery</c>, given the signed-in person as
    /// <see cref="QueryContext.Person"/>) or a partner institution's (<c>PartnerQuery</c>, given the
    /// institution its token names as <see cref="QueryContext.Institution"/>); null for a query of the
    /// district that its staff and auditors run.
    /// </summary>
    public Role? ForTheirOwn { get; init; }

    /// <summary>How the query's list is paged (<c>cursor</c>, <c>limit</c>, <c>count</c>), if it answers with one; null for a reading.</summary>
    public QueryPaging? Paging { get; init; }

    /// <summary>
    /// The grain of the period (<c>from</c>, <c>to</c>) the query reads, checked strictly before it runs
    /// (a bad value is a problem with a stable code, never a run); null for a query with no period.
    /// </summary>
    public Summaries.PeriodGrain? Period { get; init; }
}

/// <summary>
/// What a query may know besides the district's documents: the moment it is read at, the rule book
/// (its civil time), and, for a query of someone's own cases, who the resident is or which partner
/// institution asks.
/// </summary>
public sealed record QueryContext(DateTimeOffset Now, Rules.RuleBook Rules, string? Person = null, string? Institution = null)
{
    /// <summary>The page a list query is asked for (its <see cref="QueryDeclaration.Paging"/>); the first, without a count, unless the request says otherwise.</summary>
    public PageRequest Page { get; init; } = PageRequest.First(50);
}

/// <summary>
/// A single-stream projection that folds a case's events with a kind's pure evolve function, so the
/// same function serves the inline snapshot, the read model, tests and replays. Inline, it takes only
/// the streams of its own kind's cases (those started for the kind's state type): the core's events
/// that several kinds fold (a deadline set or met) would otherwise send each such kind's projection
/// to the database to look for its document on another kind's case, a round trip per kind.
/// </summary>
public sealed class CaseProjection<TDoc> : SingleStreamProjection<TDoc, Guid> where TDoc : class
{
    private readonly Func<TDoc?, object, TDoc?> _evolve;
    private readonly Type _caseState;

    public CaseProjection(Func<TDoc?, object, TDoc?> evolve, IEnumerable<Type> eventTypes, Type caseState)
    {
        ArgumentNullException.ThrowIfNull(eventTypes);
        _evolve = evolve ?? throw new ArgumentNullException(nameof(evolve));
        _caseState = caseState ?? throw new ArgumentNullException(nameof(caseState));
        foreach (var type in eventTypes)
        {
            IncludeType(type);
        }
    }

    public override TDoc? Evolve(TDoc? snapshot, Guid id, IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return _evolve(snapshot, e.Data);
    }

    protected override IInlineProjection<IDocumentOperations> buildForInline() => new OwnCasesOnly(base.buildForInline(), _caseState);

    /// <summary>
    /// Passes on the streams of the kind's cases and any stream whose kind the session does not know
    /// (then the projection looks, as it would without this); a stream another kind opened or holds is
    /// left out.
    /// </summary>
    private sealed class OwnCasesOnly(IInlineProjection<IDocumentOperations> inner, Type caseState) : IInlineProjection<IDocumentOperations>
    {
        public Task ApplyAsync(IDocumentOperations operations, IEnumerable<StreamAction> streams, CancellationToken cancellation) =>
            inner.ApplyAsync(operations, streams.Where(s => s.AggregateType is null || s.AggregateType == caseState), cancellation);
    }
}

/// <summary>Stores the documents each event names; reads nothing, so it adds no round trip to an append.</summary>
public sealed class DocumentsProjection<TDoc>(Func<object, IEnumerable<TDoc>> fromEvent) : IProjection where TDoc : class
{
    public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
    {
        ArgumentNullException.ThrowIfNull(operations);
        ArgumentNullException.ThrowIfNull(events);
        foreach (var e in events)
        {
            foreach (var doc in fromEvent(e.Data))
            {
                operations.Store(doc);
            }
        }

        return Task.CompletedTask;
    }
}

/// <summary>Folds events with an evolve function: for tests, replays and point-in-time views.</summary>
public static class Fold
{
    public static TState? Events<TState>(Func<TState?, object, TState?> evolve, IEnumerable<object> events, TState? seed = null)
        where TState : class
    {
        ArgumentNullException.ThrowIfNull(evolve);
        ArgumentNullException.ThrowIfNull(events);
        var state = seed;
        foreach (var e in events)
        {
            state = evolve(state, e);
        }

        return state;
    }
}
