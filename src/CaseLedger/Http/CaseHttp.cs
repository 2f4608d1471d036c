using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Http.Identity;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;

namespace CaseLedger.Http;

/// <summary>
/// The HTTP edge shared by every endpoint: the district and the acting context read from the
/// request, bodies read strictly, entity tags, and RFC 7807 problems carrying CaseLedger's stable codes.
/// </summary>
public static class CaseHttp
{
    public const string OnBehalfOfHeader = "X-On-Behalf-Of";
    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>The longest actor, on-behalf-of or correlation id accepted.</summary>
    public const int MaxActorLength = 200;

    /// <summary>A district id is lower-case letters, digits and dashes, up to 63 characters.</summary>
    public static IResult? CheckDistrict(string district) =>
        CommandPipeline.IsDistrictId(district)
            ? null
            : Problem(StatusCodes.Status400BadRequest, "case.district_invalid",
                $"'{district}' is not a district id: use lower-case letters, digits and dashes.");

    /// <summary>
    /// The answer to a command, whether it ran now or a retry replays it: its refusal as a problem; else
    /// 200 (201 with <paramref name="location"/> for a case it opened) with the outcome, its version as
    /// the ETag and its signed receipt in the <c>CaseLedger-Receipt</c> header.
    /// </summary>
    public static IResult Written(HttpContext http, CommandOutcome outcome, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.Rejection is { } rejection)
        {
            return Problem(rejection, outcome.Clauses);
        }

        http.Response.Headers.ETag = Etag(outcome.Version);
        if (outcome.Receipt is { } receipt)
        {
            http.Response.Headers[Core.Vouching.WriteReceipt.Header] = receipt.ToHeaderValue();
        }

        return location is null ? Results.Ok(outcome) : Results.Created(location, outcome);
    }

    public static string Etag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version in an <c>If-Match</c> header, which must be one strong entity tag of a version
    /// (<c>"7"</c>): absent means no precondition; anything else is refused rather than ignored.
    /// </summary>
    public static (long? Version, IResult? Refused) ExpectedVersion(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        return TryReadVersionTag(http.Request.Headers.IfMatch, out var version)
            ? (version, null)
            : (null, Problem(StatusCodes.Status400BadRequest, "request.if_match_invalid",
                "If-Match must be one entity tag of the case's version, as the ETag header gives it, e.g. \"7\"; " +
                "not a weak tag (W/\"7\"), not *, not a list."));
    }

    /// <summary>
    /// Reads <c>If-Match</c> values as one strong entity tag of a version: <c>"7"</c>, digits only,
    /// within a 64-bit number. No header reads as no version; a weak tag, <c>*</c>, a list of tags, a
    /// header sent twice, or anything else does not read at all.
    /// </summary>
    public static bool TryReadVersionTag(Microsoft.Extensions.Primitives.StringValues values, out long? version)
    {
        version = null;
        if (values.Count == 0)
        {
            return true;
        }

        var text = values.Count == 1 ? values[0]?.Trim(' ', '\t') ?? "" : "";
        if (text.Length is >= 3 and <= 21 && text[0] == '"' && text[^1] == '"'
            && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var read))
        {
            version = read;
            return true;
        }

        return false;
    }

    /// <summary>An RFC 7807 problem with CaseLedger's stable code as an extension member.</summary>
    public static IResult Problem(int status, string code, string detail, IDictionary<string, object?>? extensions = null)
    {
        var members = new Dictionary<string, object?> { ["code"] = code };
        foreach (var (key, value) in extensions ?? new Dictionary<string, object?>())
        {
            members[key] = value;
        }

        return Results.Problem(detail: detail, statusCode: status, title: TitleOf(status), type: $"https://caseledger.dev/problems/{code}",
            extensions: members);
    }

    /// <summary>An RFC 7807 problem of a kind the API description lists (<see cref="ApiProblems"/>).</summary>
    public static IResult Problem(ApiProblem problem, string detail, IDictionary<string, object?>? extensions = null)
    {
        ArgumentNullException.ThrowIfNull(problem);
        return Problem(problem.Status, problem.Code, detail, extensions);
    }

    public static IResult Problem(Rejection rejection, IReadOnlyList<CriterionResult>? clauses = null)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return Problem(StatusOf(rejection.Kind), rejection.Code, rejection.Reason,
            clauses is { Count: > 0 } ? new Dictionary<string, object?> { ["clauses"] = clauses } : null);
    }

    public static IResult NotFound(Guid caseId) => Problem(CommandPipeline.NotFound(caseId));

    /// <summary>
    /// The one partner institution a partner's token names, or the refusal (401) of a token that names
    /// none, several, or one that is blank, too long or not one line.
    /// </summary>
    public static (string? Institution, IResult? Refused) InstitutionOf(ClaimsPrincipal user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var named = user.FindAll(CaseLedgerClaims.Institution).ToList();
        return named is [var one] && one.Value.Trim() is { Length: > 0 and <= MaxActorLength } value && InputLimits.IsOneLine(value)
            ? (value, null)
            : (null, Problem(StatusCodes.Status401Unauthorized, "auth.token_invalid", "A partner's token names the one institution (institution) its clerk acts for."));
    }

    /// <summary>
    /// Reads a JSON request body strictly (<see cref="CaseJson.Strict"/>): it must say it is JSON (in
    /// UTF-8), be at most <paramref name="maxBytes"/> long, be one complete value of the expected shape,
    /// and carry every required member. Returns the bytes read too (an idempotency key is bound to them).
    /// </summary>
    public static async Task<(T? Value, ReadOnlyMemory<byte> Bytes, IResult? Refused)> ReadBodyAsync<T>(HttpContext http,
        long maxBytes = InputLimits.CommandBodyBytes) where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!IsJsonContent(http.Request))
        {
            return (null, default, Problem(StatusCodes.Status415UnsupportedMediaType, "request.content_type",
                "Send the body as JSON, with Content-Type: application/json (UTF-8)."));
        }

        var (bytes, tooLarge) = await ReadBytesAsync(http, maxBytes);
        if (tooLarge is not null)
        {
            return (null, default, tooLarge);
        }

        if (bytes.Length == 0)
        {
            return (null, bytes, Problem(StatusCodes.Status400BadRequest, "request.body_missing", "The request needs a JSON object as its body."));
        }

        try
        {
            var value = JsonSerializer.Deserialize<T>(bytes, CaseJson.Strict);
            return value is null
                ? (null, bytes, Problem(StatusCodes.Status400BadRequest, "request.body_missing", "The request needs a JSON object as its body, not null."))
                : (value, bytes, null);
        }
        catch (JsonException e)
        {
            return (null, bytes, Problem(StatusCodes.Status400BadRequest, "request.body_invalid", CaseJson.Describe(e),
                new Dictionary<string, object?> { ["path"] = e.Path }));
        }
    }

    /// <summary>Whether the request carries a body at all (a length above zero, or one sent in chunks).</summary>
    public static bool HasBody(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return request.ContentLength is > 0 || (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);
    }

    /// <summary>JSON by its media type (<c>application/json</c> or <c>application/*+json</c>), in UTF-8 if it names a charset.</summary>
    private static bool IsJsonContent(HttpRequest request)
    {
        if (!request.HasJsonContentType() || !MediaTypeHeaderValue.TryParse(request.ContentType, out var type))
        {
            return false;
        }

        var charset = type.Charset.ToString();
        return charset.Length == 0 || string.Equals(charset.Trim('"'), "utf-8", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The body's bytes, up to <paramref name="maxBytes"/>: a body that says or turns out to be longer is
    /// refused (413) without being kept, and one the server cannot read (a broken chunk) is a 400.
    /// </summary>
    private static async Task<(byte[] Bytes, IResult? Refused)> ReadBytesAsync(HttpContext http, long maxBytes)
    {
        IResult TooLarge() => Problem(ApiProblems.BodyTooLarge.Status, ApiProblems.BodyTooLarge.Code,
            $"This request's body is at most {maxBytes.ToString(CultureInfo.InvariantCulture)} bytes.");

        if (http.Request.ContentLength > maxBytes)
        {
            return ([], TooLarge());
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit && (limit.MaxRequestBodySize ?? long.MaxValue) > maxBytes)
        {
            limit.MaxRequestBodySize = maxBytes;
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        try
        {
            int read;
            while ((read = await http.Request.Body.ReadAsync(chunk, http.RequestAborted)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    return ([], TooLarge());
                }

                buffer.Write(chunk, 0, read);
            }
        }
        catch (BadHttpRequestException e)
        {
            return ([], e.StatusCode == StatusCodes.Status413PayloadTooLarge
                ? TooLarge()
                : Problem(ApiProblems.BodyUnreadable.Status, ApiProblems.BodyUnreadable.Code, "The request's body could not be read as sent."));
        }

        return (buffer.ToArray(), null);
    }

    /// <summary>
    /// The acting context of a command, from the caller's token: the subject is the actor (vouched for
    /// by the issuer), the channel is the one the token says the person signed in through, and the role
    /// is the first of the token's roles the command allows. Only a proxy or clerk says, in
    /// <c>X-On-Behalf-Of</c>, whom they serve; the pipeline checks it against the command.
    /// </summary>
    public static (Acting? Acting, IResult? Refused) ReadActing(HttpContext http, CommandDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        return ReadActing(http, declaration.Name, declaration.AllowedRoles);
    }

    /// <summary>The acting context of an operation named <paramref name="name"/> for <paramref name="allowedRoles"/> (a case-wide operation of the core).</summary>
    public static (Acting? Acting, IResult? Refused) ReadActing(HttpContext http, string name, IReadOnlyList<Role> allowedRoles)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(allowedRoles);
        var user = http.User;
        if (CaseLedgerClaims.SubjectOf(user) is not { Length: > 0 and <= MaxActorLength } subject || !InputLimits.IsOneLine(subject))
        {
            return (null, Problem(StatusCodes.Status401Unauthorized, "auth.token_invalid", "The token names no subject (sub) to act as."));
        }

        var channels = user.FindAll(CaseLedgerClaims.Channel).ToList();
        if (channels.Count != 1 || !Channels.TryParse(channels[0].Value, out var channel) || channel == Channel.System)
        {
            // "System" is CaseLedger's own channel (sealing); no token may claim it.
            return (null, Problem(StatusCodes.Status401Unauthorized, "auth.token_invalid",
                $"The token's channel claim must name the one channel the person signed in through: one of {string.Join(", ", Channels.OfPeople)}."));
        }

        var held = CaseLedgerClaims.RolesOf(user);
        if (held.Where(allowedRoles.Contains).ToList() is not [var role, ..])
        {
            return (null, Problem(StatusCodes.Status403Forbidden, "auth.role_not_allowed",
                $"Signed in as {(held.Count == 0 ? "no role" : string.Join(", ", held.Select(Roles.NameOf)))}; {name} is for: " +
                $"{string.Join(", ", allowedRoles.Select(Roles.NameOf))}."));
        }

        // A partner's clerk acts for the one institution their token names; the pipeline checks the case names it for the step.
        string? institution = null;
        if (role == Role.Partner)
        {
            (institution, var unnamed) = InstitutionOf(user);
            if (unnamed is not null)
            {
                return (null, unnamed);
            }
        }

        var headers = http.Request.Headers;
        string? onBehalfOf = null;
        if (headers[OnBehalfOfHeader].Count > 0)
        {
            onBehalfOf = headers[OnBehalfOfHeader].Count == 1 ? headers[OnBehalfOfHeader].ToString().Trim() : "";
            if (onBehalfOf.Length is 0 or > MaxActorLength || !InputLimits.IsOneLine(onBehalfOf))
            {
                return (null, Problem(StatusCodes.Status400BadRequest, "acting.on_behalf_of_invalid",
                    $"{OnBehalfOfHeader} names one person, in at most {MaxActorLength} characters."));
            }
        }

        string? correlation = null;
        if (headers[CorrelationHeader].Count > 0)
        {
            correlation = headers[CorrelationHeader].Count == 1 ? headers[CorrelationHeader].ToString().Trim() : "";
            if (correlation.Length is 0 or > MaxActorLength || !InputLimits.IsOneLine(correlation))
            {
                return (null, Problem(ApiProblems.CorrelationIdInvalid.Status, ApiProblems.CorrelationIdInvalid.Code,
                    $"{CorrelationHeader} is one value of 1 to {MaxActorLength} printable characters."));
            }
        }

        return (new Acting(subject, channel, role, onBehalfOf, correlation ?? http.TraceIdentifier)
        {
            Issuer = user.FindFirst(CaseLedgerClaims.Issuer)?.Value,
            Institution = institution,
        }, null);
    }

    /// <summary>
    /// Whether the caller may touch the district: a well-formed id, granted by the token (403
    /// <c>auth.district_not_granted</c>) and set up in this deployment (404 <c>district.unknown</c>).
    /// </summary>
    public static async Task<IResult?> CheckAccessAsync(HttpContext http, string district)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (CheckDistrict(district) is { } malformed)
        {
            return malformed;
        }

        if (!CaseLedgerClaims.MayTouch(http.User, district))
        {
            return Problem(StatusCodes.Status403Forbidden, "auth.district_not_granted",
                $"Your token does not grant district '{district}'.");
        }

        var registry = http.RequestServices.GetRequiredService<DistrictRegistry>();
        return await registry.IsKnownAsync(district, http.RequestAborted)
            ? null
            : Problem(StatusCodes.Status404NotFound, "district.unknown", $"No district '{district}' is set up here.");
    }

    public static int StatusOf(RejectionKind kind) => kind switch
    {
        RejectionKind.Invalid => StatusCodes.Status400BadRequest,
        RejectionKind.NotFound => StatusCodes.Status404NotFound,
        RejectionKind.Conflict => StatusCodes.Status409Conflict,
        RejectionKind.Stale => StatusCodes.Status412PreconditionFailed,
        RejectionKind.Forbidden => StatusCodes.Status403Forbidden,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid",
        StatusCodes.Status401Unauthorized => "Sign in first",
        StatusCodes.Status403Forbidden => "Not allowed for you",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflicting write",
        StatusCodes.Status412PreconditionFailed => "The case has changed",
        StatusCodes.Status413PayloadTooLarge => "The request is too large",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
        StatusCodes.Status422UnprocessableEntity => "The rules do not allow this",
        StatusCodes.Status503ServiceUnavailable => "Temporarily unavailable",
        _ => "Request failed",
    };
}
