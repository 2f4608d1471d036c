using System.Globalization;
using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;
using CaseLedger.Http.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace CaseLedger.Http;

/// <summary>
/// What auditors use over HTTP: the audit trail, a case at any point of its history and the
/// difference between two points, chain verification, seals and offline bundles. All read-only but
/// sealing, which only appends a seal.
/// </summary>
public static class AuditEndpoints
{
    private const string DistrictMissing = "audit.district_missing";
    private const string QueryInvalid = "audit.query_invalid";
    private const string OrderInvalid = "audit.order_invalid";
    private const string PointInvalid = "audit.point_invalid";
    private const string NothingToSeal = "audit.nothing_to_seal";
    private const string SealsDiverged = "audit.seals_diverged";
    private const string SealLogDamaged = "audit.seal_log_damaged";
    private const string SealNotPublished = "audit.seal_not_published";
    private const string SealInvalid = "audit.seal_invalid";
    private const string SealNotFoundCode = "audit.seal_not_found";

    /// <summary>
    /// The audit trail's query parameters, as <see cref="Entries"/> declares them for the API description;
    /// any other is a mistake (a misspelt filter would otherwise widen the answer).
    /// </summary>
    private static readonly string[] AuditQueryParameters = typeof(AuditEndpoints).GetMethod(nameof(Entries))!
        .GetCustomAttributes(typeof(QueryParameterAttribute), inherit: false).Cast<QueryParameterAttribute>().Select(p => p.Name).ToArray();

    /// <summary>
    /// The audit trail of one or more districts: <c>?district=a&amp;district=b</c>, filtered by
    /// <c>caseId</c>, <c>actor</c>, <c>eventType</c>, <c>kind</c>, <c>from</c>/<c>to</c> (ISO 8601), ordered
    /// <c>order=newest|oldest</c>, paged by cursor (<c>cursor</c>, <c>limit</c>; the answer's <c>next</c>
    /// link carries the cursor), counted only when asked (<c>count</c>).
    /// </summary>
    [WolverineGet("/audit/entries", OperationId = "QueryAuditTrail")]
    [Authorize(Roles = RoleNames.AuditTrail)]
    [Tags("audit"), EndpointSummary("The audit trail of one or more districts, filtered, ordered and paged")]
    [ProducesResponseType<AuditPage>(StatusCodes.Status200OK)]
    // Each district named is checked as a route's district is.
    [Problems(StatusCodes.Status400BadRequest, DistrictMissing, QueryInvalid, OrderInvalid)]
    [Problems(nameof(ApiProblems.CursorInvalid), nameof(ApiProblems.LimitInvalid), nameof(ApiProblems.CountInvalid), nameof(ApiProblems.FormatInvalid))]
    [Problems(nameof(ApiProblems.DistrictInvalid), nameof(ApiProblems.DistrictNotGranted), nameof(ApiProblems.DistrictUnknown))]
    [QueryParameter("district", "A district whose trail to read, granted by the token; name several to read them together (at least one).",
        Required = true, Repeated = true)]
    [QueryParameter("caseId", "Only this case's entries.", Format = "uuid")]
    [QueryParameter("actor", "Only the entries of steps this actor took (a token's subject).")]
    [QueryParameter("eventType", "Only entries of this event type, by its stable name (e.g. renovation_vote.ballot_cast.v1).")]
    [QueryParameter("kind", "Only the entries of cases of this kind, by its name as GET /kinds lists it.")]
    [QueryParameter("from", "Only entries recorded at or after this time: ISO 8601 with its offset.", Format = "date-time")]
    [QueryParameter("to", "Only entries recorded before this time: ISO 8601 with its offset.", Format = "date-time")]
    [QueryParameter("order", "Newest entries first (the default) or oldest first.", Values = ["newest", "oldest"], Default = "newest")]
    [QueryParameter(ListPaging.Cursor, "Where to continue the walk: the opaque cursor of the previous page (its `next` link carries it). Left out, the first page.")]
    [QueryParameter(ListPaging.Limit, "Entries per page.", Type = "integer", Format = "int32", Minimum = 1, Maximum = AuditQuery.MaxLimit, Default = "50")]
    [QueryParameter(ListPaging.Count, "Also count the matching entries: `exact` (reads every one) or `estimate` (PostgreSQL's planner estimate, " +
                                      "labelled `estimated`). Left out, no count.", Values = ["exact", "estimate"])]
    [QueryParameter(ListExport.Format, "`csv` answers with the page as CSV that Excel opens (UTF-8, times in the district's civil time; the next page in the " +
                                       "`Link` header). Left out, JSON.", Values = [ListExport.Csv])]
    public static async Task<IResult> Entries(IDocumentStore store, RuleBook rules, HttpContext http)
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
            return CaseHttp.Problem(400, DistrictMissing, "Name at least one district: ?district=...");
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
            return CaseHttp.Problem(400, QueryInvalid,
                "caseId is a GUID, from and to are ISO 8601 times with their offset (e.g. 2024-04-08T00:00:00+08:00).");
        }

        var (page, badPaging) = ListPaging.Read(http.Request, AuditQuery.DefaultLimit, AuditQuery.MaxLimit, AuditTrail.ReadCursor);
        var (csv, badFormat) = ListExport.Read(http.Request);
        if ((badPaging ?? badFormat) is { } badRequest)
        {
            return badRequest;
        }

        var order = q["order"].ToString();
        if (order is not ("" or "newest" or "oldest"))
        {
            return CaseHttp.Problem(400, OrderInvalid, "order is 'newest' (default) or 'oldest'.");
        }

        var after = page!.After is [var sequence] ? long.Parse(sequence, CultureInfo.InvariantCulture) : (long?)null;
        var result = await AuditTrail.QueryAsync(store, new AuditQuery(districts, caseId, Text(q["actor"]), Text(q["eventType"]), Text(q["kind"]),
            from, to, order == "oldest", page.Limit, after, page.Count), http.RequestAborted);
        var next = ListPaging.NextLink(http.Request, result.Cursor);
        return csv ? ListExport.Page(result.Entries, next, rules.UtcOffset, "audit-trail") : Results.Ok(result with { Next = next });
    }

    /// <summary>The cases of a district, newest first, optionally of one kind or matching text in their opening summary, paged by cursor.</summary>
    [WolverineGet("/districts/{district}/cases", OperationId = "SearchCases")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("The cases of a district, newest first, optionally of one kind or matching text in their opening summary, paged by cursor")]
    [ProducesResponseType<ListPage<CaseFound>>(StatusCodes.Status200OK)]
    [Problems(nameof(ApiProblems.CursorInvalid), nameof(ApiProblems.LimitInvalid), nameof(ApiProblems.CountInvalid))]
    [QueryParameter(ListPaging.Cursor, "Where to continue the walk: the opaque cursor of the previous page (its `next` link carries it). Left out, the first page.")]
    [QueryParameter(ListPaging.Limit, "Cases per page.", Type = "integer", Format = "int32", Minimum = 1, Maximum = CaseLedgerEndpoints.ListLimit, Default = "50")]
    [QueryParameter(ListPaging.Count, "Also count the matching cases: `exact` or `estimate` (PostgreSQL's planner estimate). Left out, no count.",
        Values = ["exact", "estimate"])]
    public static async Task<IResult> Cases(string district, string? kind, string? q, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var (page, badPaging) = ListPaging.Read(http.Request, CaseLedgerEndpoints.ListDefaultLimit, CaseLedgerEndpoints.ListLimit, OpeningCursor);
        if (badPaging is not null)
        {
            return badPaging;
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

        var count = await ListCounts.CountAsync(session, openings, page!.Count, http.RequestAborted);
        if (page.After is [var sequence])
        {
            var after = long.Parse(sequence, CultureInfo.InvariantCulture);
            openings = openings.Where(e => e.Sequence < after);
        }

        var found = await openings.OrderByDescending(e => e.Sequence).Take(page.Limit + 1).ToListAsync(http.RequestAborted);
        var cursor = found.Count > page.Limit ? PageCursors.Encode(OpeningsList, PageCursors.Number(found[page.Limit - 1].Sequence)) : null;
        return Results.Ok(ListPaging.Answer(http.Request,
            found.Take(page.Limit).Select(e => new CaseFound(e.CaseId, e.Kind, e.Summary, e.Time, e.Actor, e.Channel)).ToList(), cursor, count));
    }

    private const string OpeningsList = "openings";

    private static IReadOnlyList<string>? OpeningCursor(string cursor) =>
        PageCursors.Decode(OpeningsList, cursor, 1) is [var sequence] keys && PageCursors.TryNumber(sequence, out var n) && n >= 0 ? keys : null;

    /// <summary>The case as it looked at a version (<c>?version=</c>) or a time (<c>?at=</c>); the latest without either.</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/state", OperationId = "GetCaseState")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("A case as it looked at a version (?version=) or a time (?at=); the latest without either")]
    [ProducesResponseType<CaseAt>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, PointInvalid), Problems(nameof(ApiProblems.CaseNotFound))]
    [QueryParameter("version", "The case after this many events (a whole number from 1); not with at. With neither, the latest.", Type = "integer", Format = "int64", Minimum = 1)]
    [QueryParameter("at", "The case as it was at this time: ISO 8601 with its offset (e.g. 2024-04-10T00:00:00+08:00); not with version.", Format = "date-time")]
    public static async Task<IResult> State(string district, Guid caseId, IDocumentStore store, CaseKinds kinds, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        if (ReadPoint(http, "version", "at") is not { } point)
        {
            return CaseHttp.Problem(400, PointInvalid, "Give ?version=N (a whole number from 1) or ?at=ISO-8601-time, not both.");
        }

        var state = await PointInTime.AsOfAsync(store, kinds, district, caseId, point, http.RequestAborted);
        return state is null ? CaseHttp.NotFound(caseId) : Results.Ok(state);
    }

    /// <summary>What changed between two points: <c>?fromVersion=&amp;toVersion=</c> or <c>?fromAt=&amp;toAt=</c>.</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/diff", OperationId = "GetCaseDiff")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("What changed in a case between two points (?fromVersion=&toVersion= or ?fromAt=&toAt=), and the events between them")]
    [ProducesResponseType<CaseDiff>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, PointInvalid), Problems(nameof(ApiProblems.CaseNotFound))]
    [QueryParameter("fromVersion", "The earlier point as a version (a whole number from 1); not with fromAt. With neither, the latest.", Type = "integer", Format = "int64", Minimum = 1)]
    [QueryParameter("fromAt", "The earlier point as a time: ISO 8601 with its offset; not with fromVersion.", Format = "date-time")]
    [QueryParameter("toVersion", "The later point as a version; not with toAt. With neither toVersion nor toAt, the latest.", Type = "integer", Format = "int64", Minimum = 1)]
    [QueryParameter("toAt", "The later point as a time: ISO 8601 with its offset; not with toVersion.", Format = "date-time")]
    public static async Task<IResult> Diff(string district, Guid caseId, IDocumentStore store, CaseKinds kinds, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        if (ReadPoint(http, "fromVersion", "fromAt") is not { } from || ReadPoint(http, "toVersion", "toAt") is not { } to)
        {
            return CaseHttp.Problem(400, PointInvalid, "Give each end as a version (fromVersion, toVersion) or a time (fromAt, toAt).");
        }

        var diff = await PointInTime.DiffAsync(store, kinds, district, caseId, from, to, http.RequestAborted);
        return diff is null ? CaseHttp.NotFound(caseId) : Results.Ok(diff);
    }

    [WolverineGet("/districts/{district}/cases/{caseId}/verification", OperationId = "VerifyCase")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("Check a case's hash chain, and its head against the district's latest seal")]
    [ProducesResponseType<CaseVerification>(StatusCodes.Status200OK)]
    [Problems(nameof(ApiProblems.CaseNotFound))]
    public static async Task<IResult> VerifyCase(string district, Guid caseId, IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules,
        HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var result = await ChainVerifier.VerifyCaseAsync(store, sealing, kinds, rules, district, caseId, http.RequestAborted);
        return result is null ? CaseHttp.NotFound(caseId) : Results.Ok(result);
    }

    [WolverineGet("/districts/{district}/verification", OperationId = "VerifyDistrict")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("Check the hash chains of every case of a district, and the chain of its seals")]
    [ProducesResponseType<DistrictVerification>(StatusCodes.Status200OK)]
    public static async Task<IResult> VerifyDistrict(string district, IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return CaseHttp.CheckDistrict(district) ?? Results.Ok(await ChainVerifier.VerifyDistrictAsync(store, sealing, kinds, rules, district, http.RequestAborted));
    }

    /// <summary>
    /// Seals every chain link appended in the district since the last seal (seals are also made
    /// periodically), publishes it to the witness folder, and answers with the signed seal file, where
    /// it was published and the cases left out, with why. Seals of a district are made one at a time:
    /// a request that finds nothing new since the latest seal gets 422 <c>audit.nothing_to_seal</c>.
    /// A seal that is recorded but cannot be published is 503 <c>audit.seal_not_published</c>; it is
    /// published, in order, by the next seal.
    /// </summary>
    [WolverinePost("/districts/{district}/seals", OperationId = "SealDistrict")]
    [Authorize(Roles = RoleNames.Sealing)]
    [Tags("audit"), EndpointSummary("Seal what the district appended since its latest seal, and publish the signed seal")]
    [EndpointDescription("Takes no body (a client that must send one sends `{}`; anything else is refused, and nothing is sealed). " +
                         "200: the seal made and published (`seal`, the signed seal file), its file in the witness folder (`witnessFile`, " +
                         "`{district}/{number}.json`), the seals this request published in order (`published`: any that had waited, then its own) " +
                         "and the cases left out of it because their chain no longer extends what was sealed, each with its reason (`withheld`). " +
                         "422 `audit.nothing_to_seal`: nothing new since `latestSeal`. 503 `audit.seal_not_published`: the witness folder could not " +
                         "be written; the seal made (`recorded`) stays in the database, not yet published (`unpublished` lists every such seal), and " +
                         "the next seal, periodic or on demand, publishes them first, in order. 409 `audit.seals_diverged`: the witness folder holds " +
                         "a seal the database lacks or another seal under a number; `audit.seal_log_damaged`: the stored log was cut. See docs/tamper-evidence.md.")]
    [ProducesResponseType<SealMade>(StatusCodes.Status200OK)]
    // A body is read only to refuse one that is not {} (SealRequest), as a command without fields does.
    [Problems(nameof(ApiProblems.ContentType), nameof(ApiProblems.BodyInvalid), nameof(ApiProblems.BodyMissing), nameof(ApiProblems.BodyTooLarge),
        nameof(ApiProblems.BodyUnreadable))]
    [Problems(StatusCodes.Status409Conflict, SealsDiverged, SealLogDamaged)]
    [Problems(StatusCodes.Status422UnprocessableEntity, NothingToSeal)]
    [Problems(StatusCodes.Status503ServiceUnavailable, SealNotPublished)]
    public static async Task<IResult> Seal(string district, IDocumentStore store, Sealing sealing, TimeProvider clock, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        if (CaseHttp.HasBody(http.Request) && (await CaseHttp.ReadBodyAsync<SealRequest>(http)).Refused is { } refused)
        {
            return refused;
        }

        SealOutcome outcome;
        try
        {
            outcome = await DistrictSeals.SealAsync(store, sealing, district, clock.GetUtcNow(), http.RequestAborted);
        }
        catch (SealsDivergedException)
        {
            return CaseHttp.Problem(StatusCodes.Status409Conflict, SealsDiverged,
                "The database's seals no longer match the seals published outside it: sealed history was removed or replaced. " +
                "Nothing was sealed; verify the district (GET /districts/{d}/verification) before sealing again.");
        }
        catch (MerkleNodeMissingException)
        {
            return CaseHttp.Problem(StatusCodes.Status409Conflict, SealLogDamaged,
                "The district's seal log is incomplete: sealed links were removed from it. Nothing was sealed; verify the district.");
        }

        return Answer(outcome);
    }

    /// <summary>The answer to a seal request, from what sealing did.</summary>
    private static IResult Answer(SealOutcome outcome)
    {
        var made = outcome.Seal?.Statement.Number;
        if (outcome.WitnessProblem is { } problem)
        {
            var members = new Dictionary<string, object?>
            {
                ["recorded"] = made, ["unpublished"] = outcome.Unpublished, ["published"] = outcome.Published, ["withheld"] = outcome.Withheld,
            };
            var recorded = (made is { } n ? $"Seal {n} was recorded in the database" : "No new seal was made") +
                           $"; seal(s) {string.Join(", ", outcome.Unpublished)} are not yet published";
            return outcome.Diverged
                ? CaseHttp.Problem(StatusCodes.Status409Conflict, SealsDiverged,
                    $"{recorded}: the witness folder already holds another seal under its number ({problem}). Sealed history was removed or " +
                    "replaced; verify the district (GET /districts/{d}/verification) before sealing again.", members)
                : CaseHttp.Problem(StatusCodes.Status503ServiceUnavailable, SealNotPublished,
                    $"{recorded}: the witness folder could not be written ({problem}). Until a seal is published it counts as unpublished; " +
                    "the next seal, periodic or on demand, publishes every waiting seal first, in order.", members);
        }

        if (outcome.Seal is { } seal)
        {
            return Results.Ok(new SealMade(seal, SealWitnessFolder.RelativePath(seal.Statement.District, seal.Statement.Number), outcome.Published,
                outcome.Withheld));
        }

        var extensions = new Dictionary<string, object?> { ["latestSeal"] = outcome.Latest, ["withheld"] = outcome.Withheld, ["published"] = outcome.Published };
        return CaseHttp.Problem(StatusCodes.Status422UnprocessableEntity, NothingToSeal,
            (outcome.Latest is { } latest ? $"Nothing was appended since seal {latest}" : "The district has no chain link to seal yet") +
            (outcome.Withheld.Count == 0 ? "" : $"; {outcome.Withheld.Count} case(s) were left out because their chain no longer extends what was sealed (withheld)") +
            (outcome.Published.Count == 0 ? "." : $"; seal(s) {string.Join(", ", outcome.Published)}, which had waited, are now published."),
            extensions);
    }

    /// <summary>A signed seal of the district (<c>latest</c>, or its number), as published in the witness folder.</summary>
    [WolverineGet("/districts/{district}/seals/{number}", OperationId = "GetSeal")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("A signed seal of the district, by number or the latest, as published in the witness folder")]
    [ProducesResponseType<SealFile>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, SealInvalid)]
    [Problems(StatusCodes.Status404NotFound, SealNotFoundCode)]
    public static async Task<IResult> GetSeal(string district, string number, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        return await FindSealAsync(session, number, http.RequestAborted) switch
        {
            (_, { } refused) => refused,
            ({ } seal, _) => Results.Json(seal.File, SealFile.Json),
            _ => SealNotFound(number),
        };
    }

    /// <summary>
    /// The proof that seal <c>from</c>'s log is a prefix of this seal's (RFC 6962 consistency proof),
    /// for an auditor who holds an older seal than the one before this.
    /// </summary>
    [WolverineGet("/districts/{district}/seals/{number}/consistency", OperationId = "GetSealConsistency")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("The proof that a seal extends an earlier one (RFC 6962 consistency proof)")]
    [ProducesResponseType<SealConsistency>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, SealInvalid)]
    [Problems(StatusCodes.Status404NotFound, SealNotFoundCode)]
    [Problems(StatusCodes.Status409Conflict, SealLogDamaged)]
    public static async Task<IResult> Consistency(string district, string number, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        var (to, refused) = await FindSealAsync(session, number, http.RequestAborted);
        if (refused is not null)
        {
            return refused;
        }

        if (to is null)
        {
            return SealNotFound(number);
        }

        var (from, fromRefused) = await FindSealAsync(session, http.Request.Query["from"].ToString(), http.RequestAborted);
        if (fromRefused is not null || from is null || from.Number > to.Number)
        {
            return fromRefused ?? CaseHttp.Problem(StatusCodes.Status400BadRequest, SealInvalid,
                $"Name an earlier seal of this district to prove seal {to.Number} extends: ?from=1 to {to.Number}.");
        }

        try
        {
            var proof = await DistrictSeals.ConsistencyProofAsync(session, district, from.File.Statement, to.File.Statement, http.RequestAborted);
            return Results.Ok(new SealConsistency(from.File.Statement.Reference, to.File.Statement.Reference, proof));
        }
        catch (MerkleNodeMissingException)
        {
            return CaseHttp.Problem(StatusCodes.Status409Conflict, SealLogDamaged,
                "The district's seal log is incomplete: sealed links were removed from it, so no proof can be drawn. Verify the district.");
        }
    }

    /// <summary>
    /// Checks the district against a seal file an auditor kept (the body): the seal is genuine, the
    /// database still holds it, the history it covered is unchanged, and the latest seal extends it.
    /// A question, answered without writing anything.
    /// </summary>
    [WolverinePost("/districts/{district}/seals/verification", OperationId = "VerifyAgainstHeldSeal")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("Check the district against a seal file an auditor kept; writes nothing")]
    [AcceptsJson(typeof(SealFile))]
    [ProducesResponseType<HeldSealVerification>(StatusCodes.Status200OK)]
    public static async Task<IResult> VerifyHeldSeal(string district, IDocumentStore store, Sealing sealing, CaseKinds kinds, RuleBook rules,
        HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var (held, _, refused) = await CaseHttp.ReadBodyAsync<SealFile>(http);
        if (refused is not null)
        {
            return refused;
        }

        return Results.Ok(await ChainVerifier.VerifySinceAsync(store, sealing, kinds, rules, district, held!, http.RequestAborted));
    }

    /// <summary>The public key seals are signed with (PEM), for checking seals, bundles and witness files offline.</summary>
    [WolverineGet("/sealing/public-key", OperationId = "GetSealingPublicKey")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("The public key seals are signed with (PEM)")]
    [Produces("application/x-pem-file", Type = typeof(string))]
    public static IResult PublicKey(Sealing sealing)
    {
        ArgumentNullException.ThrowIfNull(sealing);
        return Results.Text(sealing.Key.PublicKeyPem, "application/x-pem-file");
    }

    /// <summary>The case as a self-contained bundle for offline verification.</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/bundle", OperationId = "ExportCaseBundle")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("A case as a self-contained bundle for offline verification")]
    [EndpointDescription("The bundle has its own format, written for verifiers outside CaseLedger: docs/audit-bundle.md describes it.")]
    // Its format is the bundle's own (AuditBundle.Json, docs/audit-bundle.md), not the API's conventions: described there, not here.
    [ProducesResponseType<System.Text.Json.Nodes.JsonObject>(StatusCodes.Status200OK)]
    [Problems(nameof(ApiProblems.CaseNotFound))]
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

    /// <summary>A seal by number (<c>latest</c> for the newest); a malformed number is refused.</summary>
    private static async Task<(SealRecord? Seal, IResult? Refused)> FindSealAsync(IQuerySession session, string number, CancellationToken ct)
    {
        if (number == "latest")
        {
            return (await DistrictSeals.LatestAsync(session, ct), null);
        }

        return long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            ? (await DistrictSeals.GetAsync(session, n, ct), null)
            : (null, CaseHttp.Problem(StatusCodes.Status400BadRequest, SealInvalid, "A seal is named by its number (1, 2, ...) or 'latest'."));
    }

    private static IResult SealNotFound(string number) =>
        CaseHttp.Problem(StatusCodes.Status404NotFound, SealNotFoundCode, $"The district has no seal '{number}'.");

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
}

/// <summary>A case found in a district's search: what opened it, when, by whom and through which channel.</summary>
public sealed record CaseFound(Guid CaseId, string Kind, string Summary, DateTimeOffset OpenedAt, string? OpenedBy, string? Channel);

/// <summary>The proof that seal <paramref name="To"/>'s log extends seal <paramref name="From"/>'s: RFC 6962 consistency proof, hashes in hex.</summary>
public sealed record SealConsistency(SealReference From, SealReference To, IReadOnlyList<string> Proof);

/// <summary>
/// The body <c>POST /districts/{d}/seals</c> takes, if any: none, or <c>{}</c>. Sealing needs nothing
/// from the client, and a body it does not understand is refused rather than ignored.
/// </summary>
public sealed record SealRequest;

/// <summary>
/// A seal made and published: the signed seal file, its file in the witness folder
/// (<c>{district}/{number}.json</c>), the seals the request published in order (any that had waited to
/// be published, then this one), and the cases left out of the seal, each with its reason.
/// </summary>
public sealed record SealMade(SealFile Seal, string WitnessFile, IReadOnlyList<long> Published, IReadOnlyList<WithheldCase> Withheld);
