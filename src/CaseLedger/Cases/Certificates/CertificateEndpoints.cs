using CaseLedger.Http;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine;
using Wolverine.Http;

namespace CaseLedger.Cases.Certificates;

/// <summary>The fully online certificate issuance over HTTP. Every route is scoped to one district.</summary>
public static class CertificateEndpoints
{
    /// <summary>An application; the document type is a name, read here so an unknown one gets CaseLedger's own problem.</summary>
    public sealed record ApplicationRequest(string? DocumentType, ApplicantFacts? Applicant, ExistingDocument? ExistingDocument);

    /// <summary>Why a reviewed application is rejected.</summary>
    public sealed record RejectionRequest(string? Reason);

    /// <summary>The carrier's tracking reference of a posted document.</summary>
    public sealed record MailingRequest(string? TrackingReference);

    private const string Certificates = "/districts/{district}/certificates";

    [WolverinePost(Certificates, Name = "ApplyForCertificate")]
    public static Task<IResult> Apply(string district, ApplicationRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return Task.FromResult(bad);
        }

        if (Parse<DocumentType>(request.DocumentType) is not { } documentType)
        {
            var unknown = ApplyingForACertificate.UnknownDocumentType(request.DocumentType);
            return Task.FromResult(CaseHttp.Problem(StatusCodes.Status400BadRequest, unknown.Code, unknown.Reason));
        }

        var id = Guid.CreateVersion7();
        var command = new ApplyForCertificate(id, documentType, request.Applicant, request.ExistingDocument);
        return CaseHttp.SendAsync(bus, http, district, command, $"/districts/{district}/certificates/{id}");
    }

    [WolverinePost(Certificates + "/{applicationId}/review", Name = "ReviewCertificateApplication")]
    public static Task<IResult> Review(string district, Guid applicationId, IMessageBus bus, HttpContext http) =>
        CaseHttp.SendAsync(bus, http, district, new ReviewCertificateApplication(applicationId, CaseHttp.ExpectedVersion(http)));

    [WolverinePost(Certificates + "/{applicationId}/approve", Name = "ApproveCertificate")]
    public static Task<IResult> Approve(string district, Guid applicationId, IMessageBus bus, HttpContext http) =>
        CaseHttp.SendAsync(bus, http, district, new ApproveCertificate(applicationId, CaseHttp.ExpectedVersion(http)));

    [WolverinePost(Certificates + "/{applicationId}/reject", Name = "RejectCertificateApplication")]
    public static Task<IResult> Reject(string district, Guid applicationId, RejectionRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district,
            new RejectCertificateApplication(applicationId, request.Reason ?? "", CaseHttp.ExpectedVersion(http)));
    }

    [WolverinePost(Certificates + "/{applicationId}/produce", Name = "ProduceCertificate")]
    public static Task<IResult> Produce(string district, Guid applicationId, IMessageBus bus, HttpContext http) =>
        CaseHttp.SendAsync(bus, http, district, new ProduceCertificate(applicationId, CaseHttp.ExpectedVersion(http)));

    [WolverinePost(Certificates + "/{applicationId}/mail", Name = "MailCertificate")]
    public static Task<IResult> Mail(string district, Guid applicationId, MailingRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district,
            new MailCertificate(applicationId, request.TrackingReference ?? "", CaseHttp.ExpectedVersion(http)));
    }

    [WolverinePost(Certificates + "/{applicationId}/deliver", Name = "RecordCertificateDelivery")]
    public static Task<IResult> Deliver(string district, Guid applicationId, IMessageBus bus, HttpContext http) =>
        CaseHttp.SendAsync(bus, http, district, new RecordCertificateDelivery(applicationId, CaseHttp.ExpectedVersion(http)));

    [WolverineGet(Certificates + "/{applicationId}", Name = "GetCertificateEligibility")]
    public static Task<IResult> Get(string district, Guid applicationId, IDocumentStore store, HttpContext http) =>
        CaseHttp.ReadModelAsync<CertificateEligibility>(store, district, applicationId, m => m.Version, http);

    /// <summary>The district's latest applications (at most 200), optionally of one route or status.</summary>
    [WolverineGet(Certificates, Name = "ListCertificateApplications")]
    public static async Task<IResult> List(string district, string? route, string? status, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        var routeFilter = Parse<CertificateRoute>(route);
        if (route is { Length: > 0 } && routeFilter is null)
        {
            return CaseHttp.Problem(StatusCodes.Status400BadRequest, "certificate.route_unknown",
                $"'{route}' is not a route: use one of {string.Join(", ", Enum.GetNames<CertificateRoute>())}.");
        }

        var statusFilter = Parse<CertificateStatus>(status);
        if (status is { Length: > 0 } && statusFilter is null)
        {
            return CaseHttp.Problem(StatusCodes.Status400BadRequest, "certificate.status_unknown",
                $"'{status}' is not a status: use one of {string.Join(", ", Enum.GetNames<CertificateStatus>())}.");
        }

        await using var session = store.QuerySession(district);
        IQueryable<CertificateEligibility> query = session.Query<CertificateEligibility>();
        if (routeFilter is { } r)
        {
            query = query.Where(e => e.Route == r);
        }

        if (statusFilter is { } s)
        {
            query = query.Where(e => e.Status == s);
        }

        return Results.Ok(await query.OrderByDescending(e => e.AppliedAt).Take(200).ToListAsync(http.RequestAborted));
    }

    /// <summary>How many applications the district has, by document type and route; counted in the database.</summary>
    [WolverineGet(Certificates + "/counts", Name = "CountCertificateApplications")]
    public static async Task<IResult> Counts(string district, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        return Results.Ok(await CountAsync(session, http.RequestAborted));
    }

    /// <summary>The counts by document type and route of the session's district, in a stable order.</summary>
    public static async Task<IReadOnlyList<CertificateCount>> CountAsync(IQuerySession session, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(session);
        var groups = await session.Query<CertificateEligibility>()
            .GroupBy(e => new { e.DocumentType, e.Route })
            .Select(g => new { g.Key.DocumentType, g.Key.Route, Count = g.Count() })
            .ToListAsync(ct);
        return groups
            .Select(g => new CertificateCount(g.DocumentType, g.Route, g.Count))
            .OrderBy(c => c.DocumentType)
            .ThenBy(c => c.Route)
            .ToList();
    }

    // Names only, case-insensitively: Enum.TryParse would also take numbers and comma lists.
    private static T? Parse<T>(string? text) where T : struct, Enum =>
        Enum.GetNames<T>().FirstOrDefault(n => string.Equals(n, text?.Trim(), StringComparison.OrdinalIgnoreCase)) is { } name
            ? Enum.Parse<T>(name)
            : null;
}
