using CaseLedger.Core;
using CaseLedger.Core.Service;
using CaseLedger.Http.Identity;
using CaseLedger.Rules;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Wolverine.Http;

namespace CaseLedger.Http;

/// <summary>
/// How a district serves, across every kind: its on-time rate by month, kind and level; its complaints;
/// a case's deadlines read now with its escalations, hand-overs and complaints; and the two case-wide
/// operations of the core, a hand-over between levels and a complaint, run through the command
/// pipeline like any declared command (lock, If-Match, Idempotency-Key, acting metadata, audit trail).
/// </summary>
public static class ServiceEndpoints
{
    private const string MonthInvalid = ServicePeriod.MonthInvalidCode;
    private const string PeriodInvalid = ServicePeriod.PeriodInvalidCode;
    private const string KindUnknown = ServicePeriod.KindUnknownCode;
    private const string LevelUnknown = ServicePeriod.LevelUnknownCode;

    /// <summary>
    /// The district's on-time rate over every settled deadline of every kind (met on time, met late,
    /// breached), by the month it fell due, by kind and by the level the case was accepted at:
    /// <c>?from=yyyy-MM&amp;to=yyyy-MM&amp;kind=&amp;level=</c>, each optional. Read from the district's
    /// summary kept with the events (a few cells per month), never from its cases one by one.
    /// </summary>
    [WolverineGet("/districts/{district}/on-time-rate", OperationId = "GetDistrictOnTimeRate")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("service"), EndpointSummary("The district's on-time rate across every kind, by the month deadlines fell due, by kind and by service level (from, to: months, yyyy-MM; read from summaries kept with the events)")]
    [ProducesResponseType<DistrictOnTimeRate>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, MonthInvalid, PeriodInvalid, KindUnknown, LevelUnknown)]
    public static Task<IResult> OnTimeRate(string district, IDocumentStore store, CaseKinds kinds, RuleBook rules, HttpContext http) =>
        ReadPeriodAsync(district, store, kinds, http, (session, period, ct) => ServiceReadings.OnTimeRateAsync(session, period, rules, ct));

    /// <summary>The district's complaints, counted by kind and by month: <c>?from=yyyy-MM&amp;to=yyyy-MM&amp;kind=&amp;level=</c>, each optional.</summary>
    [WolverineGet("/districts/{district}/complaints", OperationId = "CountDistrictComplaints")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("service"), EndpointSummary("The district's complaints about cases that could not be done, counted by kind and by month (from, to: months, yyyy-MM; read from summaries kept with the events)")]
    [ProducesResponseType<DistrictComplaints>(StatusCodes.Status200OK)]
    [Problems(StatusCodes.Status400BadRequest, MonthInvalid, PeriodInvalid, KindUnknown, LevelUnknown)]
    public static Task<IResult> Complaints(string district, IDocumentStore store, CaseKinds kinds, RuleBook rules, HttpContext http) =>
        ReadPeriodAsync(district, store, kinds, http, (session, period, ct) => ServiceReadings.ComplaintsAsync(session, period, rules, ct));

    /// <summary>A district-wide reading over a period and filters read from the query string, each checked first.</summary>
    private static async Task<IResult> ReadPeriodAsync<T>(string district, IDocumentStore store, CaseKinds kinds, HttpContext http,
        Func<IQuerySession, ServicePeriod, CancellationToken, Task<T>> read)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var (period, refused) = ServicePeriod.Read(QueryValues(http), kinds);
        if (refused is not null)
        {
            return CaseHttp.Problem(refused);
        }

        await using var session = store.QuerySession(district);
        return Results.Ok(await read(session, period!, http.RequestAborted));
    }

    /// <summary>A case's deadlines read now (state and time left), its escalations, hand-overs and complaints.</summary>
    [WolverineGet("/districts/{district}/cases/{caseId}/deadlines", OperationId = "GetCaseDeadlines")]
    [Authorize(Roles = RoleNames.CaseRecords)]
    [Tags("service"), EndpointSummary("A case's deadlines with their state and the time left now, its escalations, hand-overs and complaints")]
    [ProducesResponseType<CaseServiceReading>(StatusCodes.Status200OK)]
    [Problems(nameof(ApiProblems.CaseNotFound))]
    public static async Task<IResult> CaseDeadlines(string district, Guid caseId, IDocumentStore store, RuleBook rules, TimeProvider clock, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        return await ServiceReadings.CaseAsync(session, caseId, clock.GetUtcNow(), rules, http.RequestAborted) is { } reading
            ? Results.Ok(reading)
            : CaseHttp.NotFound(caseId);
    }

    /// <summary>Records that the case was handed from one service level up to another, by a clerk; an event in the case's own stream.</summary>
    [WolverinePost("/districts/{district}/cases/{caseId}/hand-overs", OperationId = "HandOverCase")]
    [Authorize(Roles = RoleNames.CaseWork)]
    [Tags("service"), EndpointSummary("Hand a case of any kind from a village station or township centre up to a higher level, naming the offices and the reason")]
    [ProducesResponseType<CommandOutcome>(StatusCodes.Status200OK)]
    [AcceptsJson(typeof(HandOverCase))]
    [Problems(StatusCodes.Status400BadRequest, HandingOver.TextInvalidCode)]
    [Problems(StatusCodes.Status409Conflict, HandingOver.NotAtLevelCode)]
    [Problems(StatusCodes.Status422UnprocessableEntity, HandingOver.NotUpwardCode)]
    [Problems(nameof(ApiProblems.OnBehalfOfInvalid), nameof(ApiProblems.OnBehalfOfMissing), nameof(ApiProblems.OnBehalfOfMismatch),
        nameof(ApiProblems.IfMatchInvalid), nameof(ApiProblems.VersionMismatch), nameof(ApiProblems.IdempotencyKeyInvalid),
        nameof(ApiProblems.IdempotencyInFlight), nameof(ApiProblems.IdempotencyKeyReused), nameof(ApiProblems.CaseNotFound),
        nameof(ApiProblems.ConcurrentWrite), nameof(ApiProblems.CaseIdMissing), nameof(ApiProblems.HistoryUnverified), nameof(ApiProblems.DocumentUnreadable))]
    public static Task<IResult> HandOver(string district, Guid caseId, CasePipeline pipeline, IDocumentStore store, TimeProvider clock, HttpContext http) =>
        RunAsync<HandOverCase>(district, caseId, CaseWideCommands.HandOver, pipeline, store, clock, http);

    /// <summary>Records a complaint about the case, by a clerk on behalf of the complainant; an event in the case's own stream.</summary>
    [WolverinePost("/districts/{district}/cases/{caseId}/complaints", OperationId = "RecordComplaint")]
    [Authorize(Roles = RoleNames.CaseWork)]
    [Tags("service"), EndpointSummary("Record a complaint about a case that could not be done, on behalf of the complainant")]
    [ProducesResponseType<CommandOutcome>(StatusCodes.Status200OK)]
    [AcceptsJson(typeof(RecordComplaint))]
    [Problems(StatusCodes.Status400BadRequest, RecordingAComplaint.ComplaintInvalidCode)]
    [Problems(nameof(ApiProblems.OnBehalfOfInvalid), nameof(ApiProblems.OnBehalfOfMissing), nameof(ApiProblems.OnBehalfOfMismatch),
        nameof(ApiProblems.IfMatchInvalid), nameof(ApiProblems.VersionMismatch), nameof(ApiProblems.IdempotencyKeyInvalid),
        nameof(ApiProblems.IdempotencyInFlight), nameof(ApiProblems.IdempotencyKeyReused), nameof(ApiProblems.CaseNotFound),
        nameof(ApiProblems.ConcurrentWrite), nameof(ApiProblems.CaseIdMissing), nameof(ApiProblems.HistoryUnverified), nameof(ApiProblems.DocumentUnreadable))]
    public static Task<IResult> Complain(string district, Guid caseId, CasePipeline pipeline, IDocumentStore store, TimeProvider clock, HttpContext http) =>
        RunAsync<RecordComplaint>(district, caseId, CaseWideCommands.Complaint, pipeline, store, clock, http);

    /// <summary>
    /// The edge of a case-wide operation, as for a declared command: the acting context from the token,
    /// If-Match, the body read strictly, the Idempotency-Key claimed, then the pipeline.
    /// </summary>
    private static async Task<IResult> RunAsync<TCommand>(string district, Guid caseId, CaseWideCommand declaration, CasePipeline pipeline,
        IDocumentStore store, TimeProvider clock, HttpContext http)
        where TCommand : class
    {
        ArgumentNullException.ThrowIfNull(pipeline);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } badDistrict)
        {
            return badDistrict;
        }

        var (acting, badActing) = CaseHttp.ReadActing(http, declaration.Action, declaration.AllowedRoles);
        if (badActing is not null)
        {
            return badActing;
        }

        var (expected, badTag) = CaseHttp.ExpectedVersion(http);
        if (badTag is not null)
        {
            return badTag;
        }

        var (command, body, badBody) = await CaseHttp.ReadBodyAsync<TCommand>(http);
        if (badBody is not null)
        {
            return badBody;
        }

        var (claim, answered) = await IdempotentRequests.ClaimAsync(http, store, district, body, caseId, clock, o => Respond(o, http));
        if (answered is not null)
        {
            return answered;
        }

        CommandOutcome outcome;
        try
        {
            outcome = await pipeline.RunCaseWideAsync(
                new CaseWideRequest(district, caseId, command!, acting!) { ExpectedVersion = expected, Idempotency = claim }, http.RequestAborted);
        }
        catch when (claim is not null)
        {
            await IdempotentRequests.ReleaseAsync(store, district, claim);
            throw;
        }

        if (claim is not null)
        {
            await IdempotentRequests.CompleteAsync(store, district, claim, caseId, outcome, clock.GetUtcNow(), http.RequestAborted);
        }

        return Respond(outcome, http);
    }

    private static IResult Respond(CommandOutcome outcome, HttpContext http) => CaseHttp.Written(http, outcome);

    private static Dictionary<string, string> QueryValues(HttpContext http) =>
        http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);
}
