using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CaseLedger.Core;

/// <summary>
/// What a page of a list is asked for: how many items (<see cref="Limit"/>), after which item of the
/// walk (<see cref="After"/>, the sort key values of the last item of the previous page, read from its
/// cursor) and whether to count the whole list (<see cref="Count"/>).
/// </summary>
public sealed record PageRequest(int Limit, IReadOnlyList<string>? After = null, ListCountMode Count = ListCountMode.None)
{
    /// <summary>The first page, of <paramref name="limit"/> items, without a count.</summary>
    public static PageRequest First(int limit) => new(limit);
}

/// <summary>Whether a list is counted: not at all (the default), exactly (a query over the whole list), or by the planner's estimate.</summary>
public enum ListCountMode
{
    None,
    Exact,
    Estimate,
}

/// <summary>How many items a whole list holds: exactly counted, or the query planner's estimate (<see cref="Estimated"/>).</summary>
public sealed record ListCount(long Value, bool Estimated);

/// <summary>
/// One page of a list walked by a keyset cursor. <see cref="Next"/> is the link to the next page and
/// <see cref="Cursor"/> the opaque cursor in it; both are null on the last page. <see cref="Count"/> is
/// given only when asked for (<c>?count=exact</c> or <c>?count=estimate</c>).
/// </summary>
public sealed record ListPage<T>(IReadOnlyList<T> Items, string? Next, string? Cursor, ListCount? Count = null) : IListPage
{
    object IListPage.WithNext(string? nextLink) => this with { Next = nextLink };

    System.Collections.IEnumerable IListPage.Listed => Items;
}

/// <summary>A page a kind's list query answers with; the HTTP edge adds the link to the next page (<see cref="ListPage{T}.Next"/>).</summary>
public interface IListPage
{
    string? Cursor { get; }

    /// <summary>The page's items.</summary>
    System.Collections.IEnumerable Listed { get; }

    object WithNext(string? nextLink);
}

/// <summary>
/// How a kind's query that answers with a list is paged: the name its cursors carry, how to read one
/// back (null for anything else), and its page sizes. The query reads its page from <see cref="QueryContext.Page"/>.
/// </summary>
public sealed record QueryPaging(string ListName, Func<string, IReadOnlyList<string>?> ReadCursor, int DefaultLimit = 50, int MaxLimit = 200)
{
    /// <summary>A list newest first by a time, ties by the case id (<see cref="Keyset.NewestFirstAsync{T}"/>).</summary>
    public static QueryPaging NewestFirst(string list) => new(list, cursor => Keyset.ReadTimeAndId(list, cursor));

    /// <summary>A list soonest first by a time, ties by the case id (<see cref="Keyset.SoonestFirstAsync{T}"/>).</summary>
    public static QueryPaging SoonestFirst(string list) => new(list, cursor => Keyset.ReadTimeAndId(list, cursor));

    /// <summary>A list in the order of its documents' text ids (<see cref="Keyset.ByTextIdAsync{T}"/>).</summary>
    public static QueryPaging ByTextId(string list) => new(list, cursor => PageCursors.Decode(list, cursor, 1));
}

/// <summary>
/// Keyset cursors: the sort key values of the last item of a page and its tie-breaker (an id or a
/// sequence), written as base64url of a JSON array of strings that starts with the list's name, so a
/// cursor of one list is not taken by another. Opaque to clients; read back strictly (anything else is
/// no cursor at all, never an error of the server).
/// </summary>
public static class PageCursors
{
    /// <summary>The longest cursor read (its text), well above what any list writes.</summary>
    public const int MaxLength = 512;

    /// <summary>The cursor after an item whose sort keys are <paramref name="keys"/>, in the list named <paramref name="list"/>.</summary>
    public static string Encode(string list, params string[] keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var json = JsonSerializer.SerializeToUtf8Bytes(new[] { list }.Concat(keys).ToArray());
        return Base64Url.EncodeToString(json);
    }

    /// <summary>The sort keys a cursor of the list names, exactly <paramref name="keyCount"/> of them; null when it is not one of its cursors.</summary>
    public static IReadOnlyList<string>? Decode(string list, string cursor, int keyCount)
    {
        if (string.IsNullOrEmpty(cursor) || cursor.Length > MaxLength || !Base64Url.IsValid(cursor.AsSpan()))
        {
            return null;
        }

        try
        {
            var bytes = Base64Url.DecodeFromChars(cursor.AsSpan());
            var values = JsonSerializer.Deserialize<string[]>(bytes);
            return values is { Length: > 0 } && values.Length == keyCount + 1 && values[0] == list && values.All(v => v is not null)
                ? values[1..]
                : null;
        }
        catch (Exception e) when (e is JsonException or FormatException or DecoderFallbackException)
        {
            return null;
        }
    }

    /// <summary>A time as a cursor writes it: round trip, with its offset, to the tick.</summary>
    public static string Time(DateTimeOffset time) => time.ToString("O", CultureInfo.InvariantCulture);

    /// <summary>A time a cursor wrote; false for anything else.</summary>
    public static bool TryTime(string text, out DateTimeOffset time) =>
        DateTimeOffset.TryParseExact(text, "O", CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static bool TryNumber(string text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
}
