using CaseLedger.Core;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;

namespace CaseLedger.Http;

/// <summary>A problem an operation can answer with: its HTTP status and CaseLedger's stable code.</summary>
public sealed record ApiProblem(int Status, string Code);

/// <summary>
/// Endpoint metadata naming problems an endpoint's own code answers with, beyond those
/// <see cref="ApiProblems.Of"/> derives from its authorization, its route and its body. On a Wolverine
/// endpoint it is an attribute (<c>[Problems(400, "audit.point_invalid")]</c>).
/// </summary>
[AttributeUsage(AttributeTargets.Method, AllowMultiple = true)]
public sealed class ProblemsAttribute : Attribute
{
    public ProblemsAttribute(int status, params string[] codes)
    {
        ArgumentNullException.ThrowIfNull(codes);
        Problems = codes.Select(code => new ApiProblem(status, code)).ToList();
    }

    /// <summary>Problems named once in <see cref="ApiProblems"/>, by field name: <c>[Problems(nameof(ApiProblems.CaseNotFound))]</c>.</summary>
    public ProblemsAttribute(params string[] known)
    {
        ArgumentNullException.ThrowIfNull(known);
        Problems = known.Select(name => typeof(ApiProblems).GetField(name)?.GetValue(null) as ApiProblem
            ?? throw new ArgumentException($"ApiProblems has no problem named {name}.", nameof(known))).ToList();
    }

    public ProblemsAttribute(IEnumerable<ApiProblem> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        Problems = problems.ToList();
    }

    public IReadOnlyList<ApiProblem> Problems { get; }
}

/// <summary>
/// Marks a health probe: it reports an unreachable database in its own answer (503 with its checks),
/// so it is not described as answering <see cref="ApiProblems.DatabaseUnavailable"/>.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class HealthProbeAttribute : Attribute;

/// <summary>
/// Endpoint metadata for a Wolverine endpoint that reads its JSON body itself, with the strict reader
/// (<see cref="CaseHttp.ReadBodyAsync{T}"/>): the API description shows the body, and the body's problems are derived.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AcceptsJsonAttribute(Type requestType) : Attribute, IAcceptsMetadata
{
    public IReadOnlyList<string> ContentTypes { get; } = ["application/json"];

    public Type? RequestType { get; } = requestType;

    public bool IsOptional => false;
}

/// <summary>
/// The problems each operation can answer with, derived rather than listed by hand: from being
/// signed in and the roles it is for, from a district in its route, from the JSON body it accepts,
/// and, for a command, from what the edge and the command pipeline check and from its kind's
/// refusals (<see cref="CaseKind.Refusals"/>). The API description lists them per operation.
/// Each code here is one the edge, the identity set-up or the pipeline gives, named once.
/// </summary>
public static class ApiProblems
{
    // Signing in and roles (Identity/IdentitySetup, CaseHttp.ReadActing, CommandPipeline.Authorize, Acting.Validate).
    public static readonly ApiProblem TokenMissing = new(StatusCodes.Status401Unauthorized, "auth.token_missing");
    public static readonly ApiProblem TokenInvalid = new(StatusCodes.Status401Unauthorized, "auth.token_invalid");
    public static readonly ApiProblem RoleNotAllowed = new(StatusCodes.Status403Forbidden, "auth.role_not_allowed");
    public static readonly ApiProblem NotYourOwn = new(StatusCodes.Status403Forbidden, "auth.not_your_own");
    public static readonly ApiProblem OnBehalfOfMismatch = new(StatusCodes.Status403Forbidden, "auth.on_behalf_of_mismatch");
    public static readonly ApiProblem ResidentActsForSelf = new(StatusCodes.Status403Forbidden, "auth.resident_acts_for_self");
    public static readonly ApiProblem OnBehalfOfInvalid = new(StatusCodes.Status400BadRequest, "acting.on_behalf_of_invalid");
    public static readonly ApiProblem OnBehalfOfMissing = new(StatusCodes.Status400BadRequest, "acting.on_behalf_of_missing");

    // The district (CaseHttp.CheckAccessAsync).
    public static readonly ApiProblem DistrictInvalid = new(StatusCodes.Status400BadRequest, "case.district_invalid");
    public static readonly ApiProblem DistrictNotGranted = new(StatusCodes.Status403Forbidden, "auth.district_not_granted");
    public static readonly ApiProblem DistrictUnknown = new(StatusCodes.Status404NotFound, "district.unknown");

    // The request (CaseHttp.ReadBodyAsync, CaseHttp.ExpectedVersion, IdempotentRequests).
    public static readonly ApiProblem ContentType = new(StatusCodes.Status415UnsupportedMediaType, "request.content_type");
    public static readonly ApiProblem BodyInvalid = new(StatusCodes.Status400BadRequest, "request.body_invalid");
    public static readonly ApiProblem BodyMissing = new(StatusCodes.Status400BadRequest, "request.body_missing");
    public static readonly ApiProblem BodyTooLarge = new(StatusCodes.Status413PayloadTooLarge, "request.too_large");
    public static readonly ApiProblem BodyUnreadable = new(StatusCodes.Status400BadRequest, "request.body_unreadable");
    public static readonly ApiProblem QueryInvalid = new(StatusCodes.Status400BadRequest, "request.query_invalid");
    public static readonly ApiProblem CorrelationIdInvalid = new(StatusCodes.Status400BadRequest, "request.correlation_id_invalid");
    public static readonly ApiProblem IfMatchInvalid = new(StatusCodes.Status400BadRequest, "request.if_match_invalid");
    public static readonly ApiProblem IdempotencyKeyInvalid = new(StatusCodes.Status400BadRequest, "idempotency.key_invalid");
    public static readonly ApiProblem IdempotencyInFlight = new(StatusCodes.Status409Conflict, "idempotency.in_flight");
    public static readonly ApiProblem IdempotencyKeyReused = new(StatusCodes.Status422UnprocessableEntity, "idempotency.key_reused");

    // Cases (CommandPipeline, the read models).
    public static readonly ApiProblem CaseNotFound = new(StatusCodes.Status404NotFound, "case.not_found");
    public static readonly ApiProblem NotPartyToCase = new(StatusCodes.Status403Forbidden, "auth.not_party_to_case");
    public static readonly ApiProblem InstitutionMissing = new(StatusCodes.Status400BadRequest, "acting.institution_missing");
    public static readonly ApiProblem CaseIdMissing = new(StatusCodes.Status400BadRequest, "case.id_missing");
    public static readonly ApiProblem CaseAlreadyExists = new(StatusCodes.Status409Conflict, "case.already_exists");
    public static readonly ApiProblem ConcurrentWrite = new(StatusCodes.Status409Conflict, "case.concurrent_write");

    /// <summary>A document the command reads did not match its case's events, and the case's events do not verify against its chain: nothing is decided.</summary>
    public static readonly ApiProblem HistoryUnverified = new(StatusCodes.Status409Conflict, "case.history_unverified");

    /// <summary>A stored document of the case no longer fits its class (edited by hand): nothing is decided until a rebuild.</summary>
    public static readonly ApiProblem DocumentUnreadable = new(StatusCodes.Status409Conflict, "case.document_unreadable");
    public static readonly ApiProblem VersionMismatch = new(StatusCodes.Status412PreconditionFailed, "case.version_mismatch");
    public static readonly ApiProblem FilterUnknown = new(StatusCodes.Status400BadRequest, "query.filter_unknown");
    public static readonly ApiProblem FilterUnknownValue = new(StatusCodes.Status400BadRequest, "query.filter_unknown_value");

    // Lists (ListPaging): a cursor that is not one of the list's own, a limit out of its range, a count that is neither exact nor estimate.
    public static readonly ApiProblem CursorInvalid = new(StatusCodes.Status400BadRequest, "query.cursor_invalid");
    public static readonly ApiProblem LimitInvalid = new(StatusCodes.Status400BadRequest, "query.limit_invalid");
    public static readonly ApiProblem FormatInvalid = new(StatusCodes.Status400BadRequest, "query.format_invalid");
    public static readonly ApiProblem CountInvalid = new(StatusCodes.Status400BadRequest, "query.count_invalid");

    // The database (DatabaseUnavailableHandler): any operation but a health probe, while PostgreSQL cannot be reached.
    public static readonly ApiProblem DatabaseUnavailable = new(StatusCodes.Status503ServiceUnavailable, "database.unavailable");

    /// <summary>
    /// Every problem an endpoint can answer with, ordered by status and code: those of signing in
    /// (unless it is open to anyone) and of its roles, of the district in its route, of the JSON body
    /// it accepts, and those its metadata names (<see cref="ProblemsAttribute"/>).
    /// </summary>
    public static IReadOnlyList<ApiProblem> Of(IReadOnlyList<object> metadata, string routePattern)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(routePattern);
        // Every request's query string is checked before any endpoint sees it (RequestChecks).
        var problems = new List<ApiProblem> { QueryInvalid };
        var signedIn = !metadata.OfType<IAllowAnonymous>().Any();
        if (signedIn)
        {
            problems.AddRange([TokenMissing, TokenInvalid]);
            var roles = metadata.OfType<IAuthorizeData>().SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
            if (roles.Count > 0)
            {
                problems.Add(RoleNotAllowed);
            }

            // The district of the route is checked for every signed-in caller (Identity/DistrictAccess).
            if (routePattern.Contains("{district}", StringComparison.Ordinal))
            {
                problems.AddRange([DistrictInvalid, DistrictNotGranted, DistrictUnknown]);
            }
        }

        if (metadata.OfType<IAcceptsMetadata>().Any(a => a.ContentTypes.Any(t => t.Contains("json", StringComparison.OrdinalIgnoreCase))))
        {
            problems.AddRange([ContentType, BodyInvalid, BodyMissing, BodyTooLarge, BodyUnreadable]);
        }

        problems.AddRange(metadata.OfType<ProblemsAttribute>().SelectMany(p => p.Problems));
        if (!metadata.OfType<HealthProbeAttribute>().Any())
        {
            problems.Add(DatabaseUnavailable);
        }

        return problems.Distinct().OrderBy(p => p.Status).ThenBy(p => p.Code, StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// What a command's endpoints answer with besides signing in, its district and its body: the edge's
    /// checks of the acting context, If-Match and Idempotency-Key, the pipeline's checks of the case and
    /// of who acts for whom, and the refusals of its kind's decisions.
    /// </summary>
    public static IReadOnlyList<ApiProblem> OfCommand(CommandDeclaration command, bool caseIdInRoute)
    {
        ArgumentNullException.ThrowIfNull(command);
        var problems = new List<ApiProblem>
        {
            // Any command may be sent with an X-On-Behalf-Of that is not its person's (or, about nobody, with one at all).
            OnBehalfOfInvalid, OnBehalfOfMissing, OnBehalfOfMismatch, CorrelationIdInvalid, IfMatchInvalid, VersionMismatch,
            IdempotencyKeyInvalid, IdempotencyInFlight, IdempotencyKeyReused, HistoryUnverified, DocumentUnreadable,
        };
        if (command.OpensCase)
        {
            problems.Add(CaseAlreadyExists);
        }
        else
        {
            problems.AddRange([CaseNotFound, ConcurrentWrite]);
        }

        // The route's case id is a GUID; the empty one names no case.
        if (caseIdInRoute)
        {
            problems.Add(CaseIdMissing);
        }

        var roles = command.AllowedRoles;
        if (roles.Contains(Role.Resident))
        {
            problems.Add(ResidentActsForSelf);
        }

        if (command.NamesAPerson && roles.Contains(Role.Resident))
        {
            problems.Add(NotYourOwn);
        }

        if (command.AllowsPartners)
        {
            problems.AddRange([NotPartyToCase, InstitutionMissing]);
        }

        problems.AddRange(command.Kind.Refusals.Select(r => new ApiProblem(CaseHttp.StatusOf(r.Kind), r.Code)));
        return problems;
    }
}
