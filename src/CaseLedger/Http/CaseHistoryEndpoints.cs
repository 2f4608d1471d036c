using CaseLedger.Core;
using CaseLedger.Audit;
using Marten;
using CaseLedger.Http.Identity;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace CaseLedger.Http;

public static class CaseHistoryEndpoints
{
    [WolverineGet("/districts/{district}/cases/{caseId}/events", OperationId = "GetCaseHistory")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("audit"), EndpointSummary("A case's whole history: every event, with who acted, in which role, on whose behalf and through which channel")]
    [ProducesResponseType<CaseHistory>(StatusCodes.Status200OK)]
    [Problems(nameof(ApiProblems.CaseNotFound))]
    public static async Task<IResult> History(string district, Guid caseId, IDocumentStore store, CaseKinds kinds, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        var history = await CaseHistories.ReadAsync(session, kinds, caseId, http.RequestAborted);
        return history is null ? CaseHttp.NotFound(caseId) : Results.Ok(history);
    }
}
