using System.Globalization;
using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;
using CaseLedger.Http.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Wolverine.Http;

namespace CaseLedger.Http;

/// <summary>
/// What auditors use over HTTP: the audit trail, a case at any point of its history and the
/// difference between two points, chain verification, seals and offline bundles. All read-only but
/// sealing, which only appends a seal.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>The audit trail's query parameters; any other is a mistake (a misspelt filter would otherwise widen the answer).</summary>
    private static readonly string[] AuditQueryParameters = ["district", "caseId", "actor", "eventType", "kind", "from", "to", "order", "page", "pageSize"];

    /// <summary>
    /// The audit trail of one or more districts: <c>?district=a&amp;district=b</c>, filtered by
    /// <c>caseId</c>, <c>actor</c>, <c>eventType</c>, <c>kind</c>, <c>from</c>/<c>to</c> (ISO 8601), ordered
    /// <c>order=newest|oldest</c>, paged with <c>page</c> and <c>pageSize</c>.
    /// </summary>
    [WolverineGet("/audit/entries", Name = "QueryAuditTrail")]
    [Authorize(Roles = RoleNames.AuditTrail)]
    public static async Task<IResult> Entries(IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        var q = http.Request.Query;
        if (q.Keys.FirstOrDefault(name => !AuditQueryParameters.Contains(name)) is { } unknown)
        {
            return CaseHttp.Problem(400, "audit.query_invalid",
                $"The audit trail has no filter '{unknown}': use {string.Join(", ", AuditQueryParameters)}.");
        }

        if (q.FirstOrDefault(p => p.Key != "district" && p.Value.Count > 1) is { Key: { } repeated })
        {
            return CaseHttp.Problem(400, "audit.query_invalid", $"Give {repeated} once (only district may be named several times).");
        }

        var districts = q["district"].OfType<string>().ToList();
        if (districts.Count == 0)
        {
            return CaseHttp.Problem(400, "audit.district_missing", "Name at least one district: ?district=...");
        }

        foreach (var district in districts)
        {
            if (await CaseHttp.CheckAccessAsync(http, district) is { } refused)
            {
                return refused;
            }
        }

        if (!TryGuid(q["caseId"], out var caseId) || !TryTime(q["from"], out var from) || !TryTime(q["to"], out var to))
        {
            return CaseHttp.Problem(400, "audit.query_invalid",
                "caseId is a GUID, from and to are ISO 8601 times with their offset (e.g. 2024-04-08T00:00:00+08:00).");
        }

        if (!TryInt(q["page"], 1, AuditQuery.MaxPage, out var page) || !TryInt(q["pageSize"], 50, AuditQuery.MaxPageSize, out var pageSize))
        {
            return CaseHttp.Problem(400, "audit.page_invalid",
                $"page is a whole number from 1 to {AuditQuery.MaxPage}, pageSize one from 1 to {AuditQuery.MaxPageSize}.");
        }

        var order = q["order"].ToString();
        if (order is not ("" or "newest" or "oldest"))
        {
            return CaseHttp.Problem(400, "audit.order_invalid", "order is 'newest' (default) or 'oldest'.");
        }

        var result = await AuditTrail.QueryAsync(store, new AuditQuery(districts, caseId, Text(q["actor"]), Text(q["eventType"]), Text(q["kind"]),
            from, to, order == "oldest", page, pageSize), http.RequestAborted);
        return Results.Ok(result);
    }

    /// <summary>The cases of a district, newest first, optionally of one kind or matching text in their opening summary.</summary>
    [WolverineGet("/districts/{district}/cases", Name = "SearchCases")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    public static async Task<IResult> Cases(string district, string? kind, string? q, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        var openings = session.Query<AuditEntry>().Where(e => e.Version == 1 && e.Kind != "district-seal");
        if (!string.IsNullOrWhiteSpace(kind))
        {
            openings = openings.Where(e => e.Kind == kind);
        }

        if (!string.IsNullOrWhiteSpace(q))
        {
            openings = openings.Where(e => e.Summary.Contains(q, StringComparison.OrdinalIgnoreCase) || e.Actor == q);
        }

        var found = await openings.OrderByDescending(e => e.Sequence).Take(200).ToListAsync(http.RequestAborted);
        return Results.Ok(found.Select(e => new { e.CaseId, e.Kind, e.Summary, OpenedAt = e.Time, OpenedBy = e.Actor, e.Channel }));
    }

    /// <summary>The case as it looked at a version (<c>?version=</c>) or a time (<c>?at=</c>); the latest without either.</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/state", Name = "GetCaseState")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    public static async Task<IResult> State(string district, Guid caseId, IDocumentStore store, CaseKinds kinds, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        if (ReadPoint(http, "version", "at") is not { } point)
        {
            return CaseHttp.Problem(400, "audit.point_invalid", "Give ?version=N (a whole number from 1) or ?at=ISO-8601-time, not both.");
        }

        var state = await PointInTime.AsOfAsync(store, kinds, district, caseId, point, http.RequestAborted);
        return state is null ? CaseHttp.NotFound(caseId) : Results.Ok(state);
    }

    /// <summary>What changed between two points: <c>?fromVersion=&amp;toVersion=</c> or <c>?fromAt=&amp;toAt=</c>.</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/diff", Name = "GetCaseDiff")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    public static async Task<IResult> Diff(string district, Guid caseId, IDocumentStore store, CaseKinds kinds, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        if (ReadPoint(http, "fromVersion", "fromAt") is not { } from || ReadPoint(http, "toVersion", "toAt") is not { } to)
        {
            return CaseHttp.Problem(400, "audit.point_invalid", "Give each end as a version (fromVersion, toVersion) or a time (fromAt, toAt).");
        }

        var diff = await PointInTime.DiffAsync(store, kinds, district, caseId, from, to, http.RequestAborted);
        return diff is null ? CaseHttp.NotFound(caseId) : Results.Ok(diff);
    }

    [WolverineGet("/districts/{district}/cases/{caseId}/verification", Name = "VerifyCase")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    public static async Task<IResult> VerifyCase(string district, Guid caseId, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var result = await ChainVerifier.VerifyCaseAsync(store, district, caseId, http.RequestAborted);
        return result is null ? CaseHttp.NotFound(caseId) : Results.Ok(result);
    }

    [WolverineGet("/districts/{district}/verification", Name = "VerifyDistrict")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    public static async Task<IResult> VerifyDistrict(string district, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return CaseHttp.CheckDistrict(district) ?? Results.Ok(await ChainVerifier.VerifyDistrictAsync(store, district, http.RequestAborted));
    }

    /// <summary>Seals the district's chain heads now (seals are also made periodically).</summary>
    [WolverinePost("/districts/{district}/seals", Name = "SealDistrict")]
    [Authorize(Roles = RoleNames.Sealing)]
    public static async Task<IResult> Seal(string district, IDocumentStore store, TimeProvider clock, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var sealedNow = await DistrictSeals.SealAsync(store, district, clock.GetUtcNow(), http.RequestAborted);
        return sealedNow is null
            ? CaseHttp.Problem(422, "audit.nothing_to_seal", "Nothing changed since the last seal (or the district has no case).")
            : Results.Ok(sealedNow);
    }

    /// <summary>The case as a self-contained bundle for offline verification.</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/bundle", Name = "ExportCaseBundle")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    public static async Task<IResult> Bundle(string district, Guid caseId, IDocumentStore store, CaseKinds kinds, RuleBook rules, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var bundle = await AuditBundles.ExportAsync(store, kinds, rules, district, caseId, http.RequestAborted);
        return bundle is null ? CaseHttp.NotFound(caseId) : Results.Json(bundle, AuditBundle.Json);
    }

    private static HistoryPoint? ReadPoint(HttpContext http, string versionName, string atName)
    {
        var q = http.Request.Query;
        var hasVersion = q.ContainsKey(versionName);
        var hasAt = q.ContainsKey(atName);
        if (hasVersion && hasAt)
        {
            return null;
        }

        if (hasVersion)
        {
            return q[versionName].Count == 1 && long.TryParse(q[versionName], NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1
                ? new HistoryPoint(v)
                : null;
        }

        if (hasAt)
        {
            return q[atName].Count == 1 && CaseJson.TryReadTime(q[atName].ToString(), out var at) ? new HistoryPoint(At: at) : null;
        }

        return HistoryPoint.Latest;
    }

    private static string? Text(Microsoft.Extensions.Primitives.StringValues value) => value.Count == 0 || string.IsNullOrWhiteSpace(value) ? null : value.ToString();

    // Each of these parameters is named at most once: a second value is a mistake, not a choice between the two.
    private static bool TryGuid(Microsoft.Extensions.Primitives.StringValues value, out Guid? result)
    {
        result = null;
        if (Text(value) is not { } text)
        {
            return true;
        }

        if (value.Count != 1 || !Guid.TryParse(text, out var g))
        {
            return false;
        }

        result = g;
        return true;
    }

    private static bool TryTime(Microsoft.Extensions.Primitives.StringValues value, out DateTimeOffset? result)
    {
        result = null;
        if (Text(value) is not { } text)
        {
            return true;
        }

        if (value.Count != 1 || !CaseJson.TryReadTime(text, out var t))
        {
            return false;
        }

        result = t;
        return true;
    }

    private static bool TryInt(Microsoft.Extensions.Primitives.StringValues value, int fallback, int max, out int result)
    {
        result = fallback;
        return Text(value) is not { } text
               || (value.Count == 1 && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out result) && result >= 1 && result <= max);
    }
}
