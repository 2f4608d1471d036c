using CaseLedger.Core;
using Marten;
using Marten.Pagination;

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
    int Page = 1,
    int PageSize = 50)
{
    public const int MaxPageSize = 500;

    /// <summary>The last page that may be asked for (with the largest pages, the first fifty million entries), so no offset overflows.</summary>
    public const int MaxPage = InputLimits.Page;
}

/// <summary>One page of audit entries and how many match in all.</summary>
public sealed record AuditPage(int Page, int PageSize, long Total, bool OldestFirst, IReadOnlyList<AuditEntry> Entries);

public static class AuditTrail
{
    /// <summary>
    /// Reads the audit trail of one or several districts (an auditor may hold several, read-only).
    /// Entries are ordered by their global sequence, newest first unless asked otherwise.
    /// </summary>
    public static async Task<AuditPage> QueryAsync(IDocumentStore store, AuditQuery query, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        if (query.Districts.Count == 0)
        {
            throw new ArgumentException("Name at least one district.", nameof(query));
        }

        var pageSize = Math.Clamp(query.PageSize, 1, AuditQuery.MaxPageSize);
        var page = Math.Clamp(query.Page, 1, AuditQuery.MaxPage);
        await using var session = store.QuerySession();
        var entries = session.Query<AuditEntry>().Where(e => e.TenantIsOneOf(query.Districts.ToArray()));
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

        if (query.From is { } from)
        {
            entries = entries.Where(e => e.Time >= from);
        }

        if (query.To is { } to)
        {
            entries = entries.Where(e => e.Time < to);
        }

        entries = query.OldestFirst ? entries.OrderBy(e => e.Sequence) : entries.OrderByDescending(e => e.Sequence);
        var result = await entries.ToPagedListAsync(page, pageSize, ct);
        return new AuditPage(page, pageSize, result.TotalItemCount, query.OldestFirst, result.ToList());
    }
}
