using CaseLedger.Audit;
using CaseLedger.Core.Vouching;
using CaseLedger.Http.Identity;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace CaseLedger.Http;

/// <summary>A page of a case's receipts, newest first; <see cref="Next"/> is the link to the older ones, null on the last page.</summary>
public sealed record ReceiptPage(Guid CaseId, IReadOnlyList<WriteReceipt> Receipts, string? Next);

/// <summary>
/// The signed receipts of acknowledged writes: the ones a case was given (for the auditor's page), and
/// checking one a holder kept against the case as the ledger holds it now. Both read-only.
/// </summary>
public static class ReceiptEndpoints
{
    /// <summary>The most receipts one page lists.</summary>
    public const int PageSize = 100;

    private const string ReceiptInvalid = "audit.receipt_invalid";
    private const string ReceiptOtherDistrict = "audit.receipt_other_district";
    private const string BeforeInvalid = "audit.page_invalid";

    /// <summary>The receipts issued for a case's writes, newest first, paged with <c>before</c> (a version: the receipts below it).</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/receipts", OperationId = "ListCaseReceipts")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("The signed receipts issued for a case's writes, newest first")]
    [ProducesResponseType<ReceiptPage>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, BeforeInvalid)]
    [Problems(nameof(ApiProblems.CaseNotFound))]
    public static async Task<IResult> ListReceipts(string district, Guid caseId, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        long? before = null;
        if (http.Request.Query.TryGetValue("before", out var text))
        {
            if (!long.TryParse(text.ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var version)
                || version < 1)
            {
                return CaseHttp.Problem(StatusCodes.Status400BadRequest, BeforeInvalid, "before is a case version: a whole number of 1 or more.");
            }

            before = version;
        }

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

        var page = await query.OrderByDescending(r => r.Version).Take(PageSize + 1).ToListAsync(http.RequestAborted);
        var next = page.Count > PageSize ? $"/districts/{district}/cases/{caseId}/receipts?before={page[PageSize - 1].Version}" : null;
        return Results.Ok(new ReceiptPage(caseId, page.Take(PageSize).Select(r => r.Receipt).ToList(), next));
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
