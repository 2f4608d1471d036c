using System.Collections.Concurrent;
using System.Linq.Expressions;
using Marten;
using Marten.Linq.MatchesSql;

namespace CaseLedger.Core;

/// <summary>
/// Walks a document list newest first by a time, ties broken by the document's id, a page at a time
/// from a keyset cursor: each page starts strictly after the last item of the one before, so items
/// appended meanwhile neither repeat nor shift the walk. The comparison is on the same SQL expression
/// Marten orders by and indexes the member with (<see cref="ViewDeclaration{TView}"/> declares the
/// index), and the cursor's time is compared as text parsed by PostgreSQL as the stored JSON is, so no
/// precision is lost between the two.
/// </summary>
public static class Keyset
{
    private static readonly ConcurrentDictionary<(Type, string), string> Locators = new();

    /// <summary>A page of <paramref name="query"/>, newest first by <paramref name="time"/> then by id, after the cursor's item.</summary>
    public static async Task<(IReadOnlyList<T> Items, string? Cursor)> NewestFirstAsync<T>(IQueryable<T> query,
        Expression<Func<T, DateTimeOffset>> time, string list, PageRequest page, CancellationToken ct) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(page);
        var id = IdOf<T>();
        if (page.After is [var at, var last])
        {
            var locator = LocatorOf(query, time);
            var lastId = Guid.Parse(last);
            query = query.Where(d => d.MatchesSql($"({locator}, d.id) < (?::timestamptz, ?)", at, lastId));
        }

        var ordered = query.OrderByDescending(time).ThenByDescending(id);
        var items = await ordered.Take(page.Limit + 1).ToListAsync(ct);
        if (items.Count <= page.Limit)
        {
            return (items, null);
        }

        var end = items[page.Limit - 1];
        var getTime = time.Compile();
        var getId = id.Compile();
        return (items.Take(page.Limit).ToList(), PageCursors.Encode(list, PageCursors.Time(getTime(end)), getId(end).ToString()));
    }

    /// <summary>
    /// A page of <paramref name="query"/>'s documents that have a <paramref name="time"/>, soonest first
    /// by it then by id, after the cursor's item: a worklist of what falls due next.
    /// </summary>
    public static async Task<(IReadOnlyList<T> Items, string? Cursor)> SoonestFirstAsync<T>(IQueryable<T> query,
        Expression<Func<T, DateTimeOffset?>> time, string list, PageRequest page, CancellationToken ct) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(time);
        ArgumentNullException.ThrowIfNull(page);
        var id = IdOf<T>();
        var locator = LocatorOf(query, time);
        query = query.Where(d => d.MatchesSql($"{locator} is not null"));
        if (page.After is [var at, var last])
        {
            var lastId = Guid.Parse(last);
            query = query.Where(d => d.MatchesSql($"({locator}, d.id) > (?::timestamptz, ?)", at, lastId));
        }

        var items = await query.OrderBy(time).ThenBy(id).Take(page.Limit + 1).ToListAsync(ct);
        if (items.Count <= page.Limit)
        {
            return (items, null);
        }

        var end = items[page.Limit - 1];
        return (items.Take(page.Limit).ToList(), PageCursors.Encode(list, PageCursors.Time(time.Compile()(end)!.Value), id.Compile()(end).ToString()));
    }

    /// <summary>A page of documents with text ids in the order of their ids (the table's key, so indexed), after the cursor's id.</summary>
    public static async Task<(IReadOnlyList<T> Items, string? Cursor)> ByTextIdAsync<T>(IQueryable<T> query, Func<T, string> idOf, string list,
        PageRequest page, CancellationToken ct) where T : notnull
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(idOf);
        ArgumentNullException.ThrowIfNull(page);
        if (page.After is [var last])
        {
            query = query.Where(d => d.MatchesSql("d.id > ?", last));
        }

        var d = Expression.Parameter(typeof(T), "d");
        var id = Expression.Lambda<Func<T, string>>(Expression.Property(d, "Id"), d);
        var items = await query.OrderBy(id).Take(page.Limit + 1).ToListAsync(ct);
        return items.Count <= page.Limit ? (items, null) : (items.Take(page.Limit).ToList(), PageCursors.Encode(list, idOf(items[page.Limit - 1])));
    }

    /// <summary>The sort keys a cursor of a newest-first or soonest-first list carries (its time and its id); null when malformed.</summary>
    public static IReadOnlyList<string>? ReadTimeAndId(string list, string cursor) =>
        PageCursors.Decode(list, cursor, 2) is [var time, var id] keys && PageCursors.TryTime(time, out _) && Guid.TryParse(id, out _) ? keys : null;

    /// <summary>The id member of a document type (its <c>Id</c>), as an expression Marten orders by.</summary>
    public static Expression<Func<T, Guid>> IdOf<T>()
    {
        var d = Expression.Parameter(typeof(T), "d");
        return Expression.Lambda<Func<T, Guid>>(Expression.Property(d, "Id"), d);
    }

    /// <summary>
    /// The SQL Marten writes for a member it orders by, e.g. <c>caseledger.mt_immutable_timestamptz(d.data ->> 'reportedAt')</c>:
    /// read once from the command it generates, so the keyset compares what the index holds.
    /// </summary>
    private static string LocatorOf<T, TKey>(IQueryable<T> query, Expression<Func<T, TKey>> member) where T : notnull =>
        Locators.GetOrAdd((typeof(T), member.ToString()), _ =>
        {
            var sql = query.OrderByDescending(member).ToCommand().CommandText;
            var start = sql.LastIndexOf(" order by ", StringComparison.OrdinalIgnoreCase) + " order by ".Length;
            var end = sql.IndexOf(" desc", start, StringComparison.OrdinalIgnoreCase);
            if (start < " order by ".Length || end < 0)
            {
                throw new InvalidOperationException($"Cannot read how Marten orders {typeof(T).Name} by {member}: {sql}");
            }

            return sql[start..end];
        });
}
