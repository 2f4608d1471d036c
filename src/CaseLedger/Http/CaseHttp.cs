using System.Globalization;
using System.Text.Json;
using CaseLedger.Core;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace CaseLedger.Http;

/// <summary>
/// The HTTP edge shared by every endpoint: the district and the acting context read from the
/// request, bodies read strictly, entity tags, and RFC 7807 problems carrying CaseLedger's stable codes.
/// </summary>
public static class CaseHttp
{
    public const string ActorHeader = "X-Actor";
    public const string ChannelHeader = "X-Channel";
    public const string OnBehalfOfHeader = "X-On-Behalf-Of";
    public const string CorrelationHeader = "X-Correlation-Id";

    /// <summary>A district id is lower-case letters, digits and dashes, up to 63 characters.</summary>
    public static IResult? CheckDistrict(string district) =>
        CommandPipeline.IsDistrictId(district)
            ? null
            : Problem(StatusCodes.Status400BadRequest, "case.district_invalid",
                $"'{district}' is not a district id: use lower-case letters, digits and dashes.");

    public static string Etag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>
    /// The version in an <c>If-Match</c> header, which must be one strong entity tag of a version
    /// (<c>"7"</c>): absent means no precondition; anything else is refused rather than ignored.
    /// </summary>
    public static (long? Version, IResult? Refused) ExpectedVersion(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var values = http.Request.Headers.IfMatch;
        if (values.Count == 0)
        {
            return (null, null);
        }

        var text = values.Count == 1 ? values[0]?.Trim() ?? "" : "";
        if (text.Length >= 3 && text[0] == '"' && text[^1] == '"'
            && long.TryParse(text.AsSpan(1, text.Length - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var version))
        {
            return (version, null);
        }

        return (null, Problem(StatusCodes.Status400BadRequest, "request.if_match_invalid",
            "If-Match must be one entity tag of the case's version, as the ETag header gives it, e.g. \"7\"."));
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

    public static IResult Problem(Rejection rejection, IReadOnlyList<CriterionResult>? clauses = null)
    {
        ArgumentNullException.ThrowIfNull(rejection);
        return Problem(StatusOf(rejection.Kind), rejection.Code, rejection.Reason,
            clauses is { Count: > 0 } ? new Dictionary<string, object?> { ["clauses"] = clauses } : null);
    }

    public static IResult NotFound(Guid caseId) => Problem(CommandPipeline.NotFound(caseId));

    /// <summary>
    /// Reads a JSON request body strictly (<see cref="CaseJson.Strict"/>): it must say it is JSON, be
    /// one complete value of the expected shape, and carry every required member.
    /// </summary>
    public static async Task<(T? Value, IResult? Refused)> ReadBodyAsync<T>(HttpContext http) where T : class
    {
        ArgumentNullException.ThrowIfNull(http);
        if (!http.Request.HasJsonContentType())
        {
            return (null, Problem(StatusCodes.Status415UnsupportedMediaType, "request.content_type",
                "Send the body as JSON, with Content-Type: application/json."));
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync<T>(http.Request.Body, CaseJson.Strict, http.RequestAborted);
            return value is null
                ? (null, Problem(StatusCodes.Status400BadRequest, "request.body_missing", "The request needs a JSON object as its body, not null."))
                : (value, null);
        }
        catch (JsonException e)
        {
            return (null, Problem(StatusCodes.Status400BadRequest, "request.body_invalid", CaseJson.Describe(e),
                new Dictionary<string, object?> { ["path"] = e.Path }));
        }
    }

    /// <summary>Reads the acting context from the request's headers.</summary>
    public static (Acting? Acting, IResult? Refused) ReadActing(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var headers = http.Request.Headers;
        var channel = Channel.ServiceWindow;
        if (headers[ChannelHeader].Count > 0
            && (headers[ChannelHeader].Count > 1 || !Channels.TryParse(headers[ChannelHeader].ToString(), out channel) || channel == Channel.System))
        {
            // "System" is CaseLedger's own channel (sealing); no request may claim it.
            return (null, Problem(StatusCodes.Status400BadRequest, "acting.channel_unknown",
                $"The {ChannelHeader} header must be one of: {string.Join(", ", Channels.OfPeople)}."));
        }

        var correlation = headers[CorrelationHeader].ToString();
        return (new Acting(
            headers[ActorHeader].ToString().Trim(),
            channel,
            headers[OnBehalfOfHeader].ToString() is { Length: > 0 } onBehalfOf ? onBehalfOf.Trim() : null,
            correlation.Length > 0 ? correlation : http.TraceIdentifier), null);
    }

    public static int StatusOf(RejectionKind kind) => kind switch
    {
        RejectionKind.Invalid => StatusCodes.Status400BadRequest,
        RejectionKind.NotFound => StatusCodes.Status404NotFound,
        RejectionKind.Conflict => StatusCodes.Status409Conflict,
        RejectionKind.Stale => StatusCodes.Status412PreconditionFailed,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflicting write",
        StatusCodes.Status412PreconditionFailed => "The case has changed",
        StatusCodes.Status415UnsupportedMediaType => "Unsupported content type",
        StatusCodes.Status422UnprocessableEntity => "The rules do not allow this",
        _ => "Request failed",
    };
}
