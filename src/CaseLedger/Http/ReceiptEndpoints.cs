using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Core.Vouching;
using CaseLedger.Http.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace CaseLedger.Http;

/// <summary>
/// A page of a case's receipts, newest first; <see cref="Next"/> is the link to the older ones and
/// <see cref="Cursor"/> the cursor in it, both null on the last page.
/// </summary>
public sealed record ReceiptPage(Guid CaseId, IReadOnlyList<WriteReceipt> Receipts, string? Next, string? Cursor = null);

/// <summary>
/// The signed receipts of acknowledged writes: the ones a case was given (for the auditor's page), and
/// checking one a holder kept against the case as the ledger holds it now. Both read-only.
/// </summary>
public static class ReceiptEndpoints
{
    /// <summary>The most receipts one page lists (<c>?limit=</c>), and the number it lists unless asked.</summary>
    public const int PageSize = 100;

    private const string ListName = "receipts";

    private const string ReceiptInvalid = "audit.receipt_invalid";
    private const string ReceiptOtherDistrict = "audit.receipt_other_district";
    /// <summary>The receipts issued for a case's writes, newest first, paged by cursor (the case version of the last receipt of the page before).</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/receipts", OperationId = "ListCaseReceipts")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("The signed receipts issued for a case's writes, newest first")]
    [ProducesResponseType<ReceiptPage>(StatusCodes.Status200OK)]
    [Problems(nameof(ApiProblems.CaseNotFound), nameof(ApiProblems.CursorInvalid), nameof(ApiProblems.LimitInvalid))]
    [QueryParameter(ListPaging.Cursor, "Where to continue the walk: the opaque cursor of the previous page (its `next` link carries it). Left out, the newest receipts.")]
    [QueryParameter(ListPaging.Limit, "Receipts per page.", Type = "integer", Format = "int32", Minimum = 1, Maximum = PageSize, Default = "100")]
    public static async Task<IResult> ListReceipts(string district, Guid caseId, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var (paging, badPaging) = ListPaging.Read(http.Request, PageSize, PageSize, cursor =>
            PageCursors.Decode(ListName, cursor, 1) is [var v] keys && PageCursors.TryNumber(v, out var n) && n >= 1 ? keys : null);
        if (badPaging is not null || paging!.Count != Core.ListCountMode.None)
        {
            return badPaging ?? CaseHttp.Problem(ApiProblems.CountInvalid, "A case's receipts are not counted: follow next to the last page.");
        }

        long? before = paging.After is [var version] ? long.Parse(version, System.Globalization.CultureInfo.InvariantCulture) : null;
        await using var session = store.QuerySession(district);
        if (await session.Events.FetchStreamStateAsync(caseId, http.RequestAborted) is null)
        {
            return CaseHttp.NotFound(caseId);
        }

        var query = session.Query<IssuedReceipt>().Where(r => r.CaseId == caseId);
        if (before is { } below)
        {
            query = query.Where(r => r.Version < below);
        }

        var limit = paging.Limit;
        var page = await query.OrderByDescending(r => r.Version).Take(limit + 1).ToListAsync(http.RequestAborted);
        var cursor = page.Count > limit ? PageCursors.Encode(ListName, PageCursors.Number(page[limit - 1].Version)) : null;
        return Results.Ok(new ReceiptPage(caseId, page.Take(limit).Select(r => r.Receipt).ToList(), ListPaging.NextLink(http.Request, cursor), cursor));
    }

    /// <summary>
    /// Checks a receipt someone kept: it is signed by one of the ledger's seal keys, and the case's
    /// events, with the chain recomputed from them, still reach the receipted version with the receipted
    /// link (<c>intact</c>), or no longer reach it (<c>cut_off</c>), or reach it with another link
    /// (<c>altered</c>). Writes nothing.
    /// </summary>
    [WolverinePost("/districts/{district}/receipts/verification", OperationId = "VerifyReceipt")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("Check a write's signed receipt against the case as the ledger holds it now; writes nothing")]
    [AcceptsJson(typeof(WriteReceipt))]
    [ProducesResponseType<ReceiptCheck>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, ReceiptInvalid)]
    [Problems(StatusCodes.Status422UnprocessableEntity, ReceiptOtherDistrict)]
    public static async Task<IResult> VerifyReceipt(string district, IDocumentStore store, Sealing sealing, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(sealing);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var (receipt, _, refused) = await CaseHttp.ReadBodyAsync<WriteReceipt>(http);
        if (refused is not null)
        {
            return refused;
        }

        if (receipt!.Statement is null || string.IsNullOrEmpty(receipt.Signature))
        {
            return CaseHttp.Problem(StatusCodes.Status400BadRequest, ReceiptInvalid, "A receipt has a statement and a signature, as a write's answer carried it.");
        }

        if (receipt.Statement.District != district)
        {
            return CaseHttp.Problem(StatusCodes.Status422UnprocessableEntity, ReceiptOtherDistrict,
                $"The receipt is of district {receipt.Statement.District}: check it there.");
        }

        return Results.Ok(await Receipts.CheckAsync(store, sealing.Trusted, receipt, http.RequestAborted));
    }
}
