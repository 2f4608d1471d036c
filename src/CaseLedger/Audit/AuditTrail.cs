using CaseLedger.Core;
using Marten;

namespace CaseLedger.Audit;

/// <summary>A question to the audit trail. Every filter is optional except the districts asked about.</summary>
public sealed record AuditQuery(
    IReadOnlyList<string> Districts,
    Guid? CaseId = null,
    string? Actor = null,
    string? EventType = null,
    string? Kind = null,
    DateTimeOffset? From = null,
    DateTimeOffset? To = null,
    bool OldestFirst = false,
    int Limit = AuditQuery.DefaultLimit,
    long? AfterSequence = null,
    ListCountMode Count = ListCountMode.None)
{
    public const int DefaultLimit = 50;

    public const int MaxLimit = 500;
}

/// <summary>
/// One page of audit entries, in the order asked; <see cref="Cursor"/> continues the walk after its last
/// entry (null on the last page), <see cref="Next"/> is the link to the next page when read over HTTP,
/// and <see cref="Count"/> is given only when asked.
/// </summary>
public sealed record AuditPage(bool OldestFirst, IReadOnlyList<AuditEntry> Entries, string? Next, string? Cursor, ListCount? Count = null);

public static class AuditTrail
{
    /// <summary>The name the trail's cursors carry.</summary>
    public const string ListName = "audit";

    /// <summary>
    /// The trail's indexes, one per filter, each ending with the sequence it is walked by, so a filtered
    /// page is one range of an index; and the time and sequence alone. Each leads with the district (the
    /// tenant): a district's page is a range of its own entries, however many other districts hold
    /// newer ones. Declared here, with the list.
    /// </summary>
    public static void Register(StoreOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Schema.For<AuditEntry>()
            .StartIndexesByTenantId()
            .Index(a => a.Sequence)
            .Index(a => a.Time)
            .Index([a => a.CaseId, a => a.Sequence])
            .Index([a => a.Actor!, a => a.Sequence])
            .Index([a => a.EventType, a => a.Sequence])
            .Index([a => a.Kind, a => a.Sequence])
            // A district's openings (GET /districts/{d}/cases), newest first.
            .Index([a => a.Version, a => a.Sequence]);
    }

    /// <summary>The members the trail filters and sorts on, by their JSON names, each the leading member of an index of <see cref="Register"/>.</summary>
    public static readonly IReadOnlyList<string> IndexedMembers = ["sequence", "time", "caseId", "actor", "eventType", "kind", "version"];

    /// <summary>The sequence a cursor of the trail continues after; null when it is not one.</summary>
    public static IReadOnlyList<string>? ReadCursor(string cursor) =>
        PageCursors.Decode(ListName, cursor, 1) is [var sequence] keys && PageCursors.TryNumber(sequence, out var n) && n >= 0 ? keys : null;

    /// <summary>
    /// Reads the audit trail of one or several districts (an auditor may hold several, read-only), a page
    /// at a time: entries are ordered by their global sequence, newest first unless asked otherwise, and
    /// a page starts after the sequence of the previous page's last entry, so entries appended between
    /// pages neither repeat nor shift the walk. Nothing is counted unless asked.
    /// </summary>
    public static async Task<AuditPage> QueryAsync(IDocumentStore store, AuditQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Districts.Count == 0)
        {
            throw new ArgumentException("Name at least one district.", nameof(query));
        }

        var limit = Math.Clamp(query.Limit, 1, AuditQuery.MaxLimit);
        await using var session = store.QuerySession();
        var count = await ListCounts.CountAsync(session, Filtered(session.Query<AuditEntry>().Where(e => e.TenantIsOneOf(query.Districts.ToArray())), query), query.Count, ct);

        // Each district's page read on its own, as a range of its own index (district, filter, sequence),
        // then merged by the sequence (global, so the order is the same as one query's): a district's page
        // never walks past the entries other districts hold.
        var found = new List<AuditEntry>();
        foreach (var district in query.Districts.Distinct(StringComparer.Ordinal))
        {
            await using var scoped = store.QuerySession(district);
            var entries = Filtered(scoped.Query<AuditEntry>(), query);
            if (query.AfterSequence is { } after)
            {
                entries = query.OldestFirst ? entries.Where(e => e.Sequence > after) : entries.Where(e => e.Sequence < after);
            }

            entries = query.OldestFirst ? entries.OrderBy(e => e.Sequence) : entries.OrderByDescending(e => e.Sequence);
            found.AddRange(await entries.Take(limit + 1).ToListAsync(ct));
        }

        var page = (query.OldestFirst ? found.OrderBy(e => e.Sequence) : found.OrderByDescending(e => e.Sequence)).Take(limit + 1).ToList();
        var cursor = page.Count > limit ? PageCursors.Encode(ListName, PageCursors.Number(page[limit - 1].Sequence)) : null;
        return new AuditPage(query.OldestFirst, page.Take(limit).ToList(), null, cursor, count);
    }

    /// <summary>The query's filters (case, actor, event type, kind, time), each backed by an index that ends with the sequence.</summary>
    private static IQueryable<AuditEntry> Filtered(IQueryable<AuditEntry> entries, AuditQuery query)
    {
        if (query.CaseId is { } caseId)
        {
            entries = entries.Where(e => e.CaseId == caseId);
        }

        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            entries = entries.Where(e => e.Actor == query.Actor);
        }

        if (!string.IsNullOrWhiteSpace(query.EventType))
        {
            entries = entries.Where(e => e.EventType == query.EventType);
        }

        if (!string.IsNullOrWhiteSpace(query.Kind))
        {
            entries = entries.Where(e => e.Kind == query.Kind);
        }

        // Compared in UTC, as the store takes times (a district's +08:00 is the same instant).
        if (query.From?.ToUniversalTime() is { } from)
        {
            entries = entries.Where(e => e.Time >= from);
        }

        if (query.To?.ToUniversalTime() is { } to)
        {
            entries = entries.Where(e => e.Time < to);
        }

        return entries;
    }
}
