using CaseLedger.Http;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine;
using Wolverine.Http;

namespace CaseLedger.Cases.CoFunding;

/// <summary>The co-funding award over HTTP. Every route is scoped to one district.</summary>
public static class CoFundingEndpoints
{
    public sealed record RegisterProjectRequest(
        Compound Compound,
        string Description,
        decimal EstimatedCost,
        IReadOnlyList<Funding> Funding,
        Guid? RenovationVoteId);

    public sealed record AcceptanceRequest(string AcceptanceReference);

    public sealed record AuditRequest(decimal AuditedCost, string AuditReference);

    public sealed record SettlementRequest(string PaymentReference);

    private const string Projects = "/districts/{district}/co-funding-projects";

    [WolverinePost(Projects, Name = "RegisterCoFundingProject")]
    public static Task<IResult> Register(string district, RegisterProjectRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Guid.CreateVersion7();
        return CaseHttp.SendAsync(bus, http, district,
            new RegisterProject(id, request.Compound!, request.Description ?? "", request.EstimatedCost, request.Funding ?? [], request.RenovationVoteId),
            $"/districts/{district}/co-funding-projects/{id}");
    }

    [WolverinePost(Projects + "/{projectId}/start", Name = "StartCoFundingProject")]
    public static Task<IResult> Start(string district, Guid projectId, IMessageBus bus, HttpContext http) =>
        CaseHttp.SendAsync(bus, http, district, new StartProject(projectId, CaseHttp.ExpectedVersion(http)));

    [WolverinePost(Projects + "/{projectId}/completion", Name = "CompleteCoFundingProject")]
    public static Task<IResult> Complete(string district, Guid projectId, AcceptanceRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district, new CompleteProject(projectId, request.AcceptanceReference ?? "", CaseHttp.ExpectedVersion(http)));
    }

    [WolverinePost(Projects + "/{projectId}/audits", Name = "AuditCoFundingProject")]
    public static Task<IResult> Audit(string district, Guid projectId, AuditRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district,
            new AuditFinalCost(projectId, request.AuditedCost, request.AuditReference ?? "", CaseHttp.ExpectedVersion(http)));
    }

    [WolverinePost(Projects + "/{projectId}/award", Name = "DecideCoFundingAward")]
    public static Task<IResult> Award(string district, Guid projectId, IMessageBus bus, HttpContext http) =>
        CaseHttp.SendAsync(bus, http, district, new DecideAward(projectId, CaseHttp.ExpectedVersion(http)));

    [WolverinePost(Projects + "/{projectId}/settlements", Name = "SettleCoFundingGrant")]
    public static Task<IResult> Settle(string district, Guid projectId, SettlementRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district, new SettleGrant(projectId, request.PaymentReference ?? "", CaseHttp.ExpectedVersion(http)));
    }

    [WolverineGet(Projects + "/{projectId}", Name = "GetCoFundingEligibility")]
    public static Task<IResult> Get(string district, Guid projectId, IDocumentStore store, HttpContext http) =>
        CaseHttp.ReadModelAsync<CoFundingEligibility>(store, district, projectId, m => m.Version, http);

    [WolverineGet(Projects, Name = "ListCoFundingProjects")]
    public static async Task<IResult> List(string district, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        return Results.Ok(await session.Query<CoFundingEligibility>().OrderByDescending(p => p.RegisteredAt).ToListAsync(http.RequestAborted));
    }

    [WolverineGet("/districts/{district}/co-funding-summary", Name = "GetCoFundingSummary")]
    public static async Task<IResult> Summary(string district, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        var projects = await session.Query<CoFundingEligibility>().ToListAsync(http.RequestAborted);
        return Results.Ok(CoFundingSummary.Of(district, projects));
    }
}
