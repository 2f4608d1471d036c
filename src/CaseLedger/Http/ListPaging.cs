using System.Globalization;
using CaseLedger.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Extensions;

namespace CaseLedger.Http;

/// <summary>
/// The paging every list takes at the HTTP edge: <c>cursor</c> (opaque, from the previous page's
/// <c>next</c> link), <c>limit</c> (items per page, up to the list's maximum) and <c>count</c>
/// (<c>exact</c> or <c>estimate</c>; no count unless asked). Read strictly: a cursor that is not one
/// of the list's own, a limit out of range or an unknown count is a 400 problem with its code.
/// </summary>
public static class ListPaging
{
    public const string Cursor = "cursor";
    public const string Limit = "limit";
    public const string Count = "count";

    /// <summary>The paging parameters' names, which a list's own filters never use.</summary>
    public static readonly string[] Parameters = [Cursor, Limit, Count, ListExport.Format];

    /// <summary>The paging parameters as the API description lists them, for a list of at most <paramref name="max"/> items a page.</summary>
    public static QueryParameterAttribute[] Described(int @default, int max) =>
    [
        new(Cursor, "Where to continue the walk: the opaque cursor of the previous page (its `next` link carries it). Left out, the first page."),
        new(Limit, $"Items per page, at most {max}.") { Type = "integer", Format = "int32", Minimum = 1, Maximum = max, Default = @default.ToString(CultureInfo.InvariantCulture) },
        new(Count, "Also count the whole list: `exact` (a count of every matching item, slower on a large list) or `estimate` " +
                   "(PostgreSQL's planner estimate, labelled `estimated`). Left out, no count.") { Values = ["exact", "estimate"] },
        ListExport.Described,
    ];

    /// <summary>The problems a list's paging answers with.</summary>
    public static readonly ApiProblem[] Problems = [ApiProblems.CursorInvalid, ApiProblems.LimitInvalid, ApiProblems.CountInvalid, ApiProblems.FormatInvalid];

    /// <summary>
    /// The page a request asks for, or the problem with its paging; <paramref name="readCursor"/> reads
    /// the list's own cursors (null for anything else).
    /// </summary>
    public static (PageRequest? Page, IResult? Refused) Read(HttpRequest request, int defaultLimit, int maxLimit,
        Func<string, IReadOnlyList<string>?> readCursor)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(readCursor);
        var q = request.Query;
        var limit = defaultLimit;
        if (q.TryGetValue(Limit, out var limitText)
            && (limitText.Count != 1 || !int.TryParse(limitText.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1 || limit > maxLimit))
        {
            return (null, CaseHttp.Problem(ApiProblems.LimitInvalid, $"limit is a whole number from 1 to {maxLimit}, given once."));
        }

        IReadOnlyList<string>? after = null;
        if (q.TryGetValue(Cursor, out var cursorText)
            && (cursorText.Count != 1 || (after = readCursor(cursorText.ToString())) is null))
        {
            return (null, CaseHttp.Problem(ApiProblems.CursorInvalid,
                "cursor is the opaque value a page of this list gave (its next link carries it), given once and unchanged."));
        }

        var count = ListCountMode.None;
        if (q.TryGetValue(Count, out var countText))
        {
            count = countText.Count == 1 ? countText.ToString() switch { "exact" => ListCountMode.Exact, "estimate" => ListCountMode.Estimate, _ => ListCountMode.None } : ListCountMode.None;
            if (count == ListCountMode.None)
            {
                return (null, CaseHttp.Problem(ApiProblems.CountInvalid, "count is 'exact' or 'estimate', given once; left out, the list is not counted."));
            }
        }

        return (new PageRequest(limit, after, count), null);
    }

    /// <summary>The link to the page after this one: the same request with its cursor; null without one.</summary>
    public static string? NextLink(HttpRequest request, string? cursor)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (cursor is null)
        {
            return null;
        }

        var query = new QueryBuilder();
        foreach (var (name, values) in request.Query)
        {
            // The count is of the whole list: asked once, it is not asked again on every page.
            if (name is not (Cursor or Count))
            {
                foreach (var value in values)
                {
                    query.Add(name, value ?? "");
                }
            }
        }

        query.Add(Cursor, cursor);
        return $"{request.PathBase}{request.Path}{query.ToQueryString()}";
    }

    /// <summary>The page as answered: its items, the link to the next page and its cursor, and the count when asked.</summary>
    public static ListPage<T> Answer<T>(HttpRequest request, IReadOnlyList<T> items, string? cursor, ListCount? count = null) =>
        new(items, NextLink(request, cursor), cursor, count);
}
