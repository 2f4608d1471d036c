using System.Globalization;
using System.Text.RegularExpressions;
using CaseLedger.Core;
using JasperFx.Events;
using Marten;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;
using Wolverine;

namespace CaseLedger.Http;

/// <summary>
/// The HTTP edge shared by every case kind: reads the district and the acting context from the
/// request, sends the command through Wolverine, and turns the outcome into a response or an
/// RFC 7807 problem.
/// </summary>
public static partial class CaseHttp
{
    public const string ActorHeader = "X-Actor";
    public const string ChannelHeader = "X-Channel";
    public const string OnBehalfOfHeader = "X-On-Behalf-Of";
    public const string CorrelationHeader = "X-Correlation-Id";

    [GeneratedRegex("^[a-z0-9][a-z0-9-]{0,62}$")]
    private static partial Regex DistrictPattern();

    /// <summary>A district id is lower-case letters, digits and dashes, up to 63 characters.</summary>
    public static IResult? CheckDistrict(string district) =>
        DistrictPattern().IsMatch(district ?? "")
            ? null
            : Problem(StatusCodes.Status400BadRequest, "case.district_invalid",
                $"'{district}' is not a district id: use lower-case letters, digits and dashes.");

    /// <summary>Sends a command for a district; <paramref name="location"/> makes a success a 201.</summary>
    public static async Task<IResult> SendAsync(
        IMessageBus bus, HttpContext http, string district, object command, string? location = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        ArgumentNullException.ThrowIfNull(http);
        if (CheckDistrict(district) is { } badDistrict)
        {
            return badDistrict;
        }

        if (ReadActing(http) is not { } acting)
        {
            return Problem(StatusCodes.Status400BadRequest, "acting.channel_unknown",
                $"The {ChannelHeader} header must be one of: {string.Join(", ", Enum.GetValues<Channel>().Where(c => c != Channel.System))}.");
        }

        CommandOutcome outcome;
        try
        {
            outcome = await bus.InvokeAsync<CommandOutcome>(command, acting.ToDeliveryOptions(district), http.RequestAborted);
        }
        catch (Exception e) when (IsLostRace(e))
        {
            return Problem(StatusCodes.Status409Conflict, "case.concurrent_write",
                "Someone else changed this case first. Read it again and retry.");
        }

        if (outcome.Rejection is { } rejection)
        {
            return Problem(StatusOf(rejection.Kind), rejection.Code, rejection.Reason);
        }

        http.Response.Headers.ETag = Etag(outcome.Version);
        return location is null ? Results.Ok(outcome) : Results.Created(location, outcome);
    }

    /// <summary>The version in an <c>If-Match</c> header (<c>"5"</c> or <c>5</c>), if one was sent.</summary>
    public static long? ExpectedVersion(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        var value = http.Request.Headers.IfMatch.ToString().Trim().Trim('"');
        return long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
    }

    public static string Etag(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>An RFC 7807 problem with CaseLedger's stable code as an extension member.</summary>
    public static IResult Problem(int status, string code, string detail) =>
        Results.Problem(
            detail: detail,
            statusCode: status,
            title: TitleOf(status),
            type: $"https://caseledger.dev/problems/{code}",
            extensions: new Dictionary<string, object?> { ["code"] = code });

    /// <summary>
    /// Serves one case's read model from the district's store with its version as the ETag (for
    /// <c>If-Match</c> on the next write), or a 404 problem when the district has no such case.
    /// </summary>
    public static async Task<IResult> ReadModelAsync<T>(IDocumentStore store, string district, Guid caseId, Func<T, long> version, HttpContext http)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(version);
        ArgumentNullException.ThrowIfNull(http);
        if (CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        var model = await session.LoadAsync<T>(caseId, http.RequestAborted);
        if (model is null)
        {
            return NotFound(caseId);
        }

        http.Response.Headers.ETag = Etag(version(model));
        return Results.Ok(model);
    }

    public static IResult NotFound(Guid caseId) =>
        Problem(StatusCodes.Status404NotFound, "case.not_found", $"No case {caseId} exists in this district.");

    private static Acting? ReadActing(HttpContext http)
    {
        var headers = http.Request.Headers;
        var channelText = headers[ChannelHeader].ToString();
        var channel = Channel.ServiceWindow;
        // "System" is CaseLedger's own channel (sealing); no request may claim it.
        if (channelText.Length > 0 && (!Enum.TryParse(channelText, ignoreCase: true, out channel) || !Enum.IsDefined(channel) || channel == Channel.System))
        {
            return null;
        }

        var correlation = headers[CorrelationHeader].ToString();
        return new Acting(
            headers[ActorHeader].ToString().Trim(),
            channel,
            headers[OnBehalfOfHeader].ToString() is { Length: > 0 } onBehalfOf ? onBehalfOf.Trim() : null,
            correlation.Length > 0 ? correlation : http.TraceIdentifier);
    }

    private static bool IsLostRace(Exception e) =>
        e is JasperFx.ConcurrencyException or ExistingStreamIdCollisionException or Marten.Exceptions.ExistingStreamIdCollisionException
        || (e.InnerException is { } inner && IsLostRace(inner));

    private static int StatusOf(RejectionKind kind) => kind switch
    {
        RejectionKind.Invalid => StatusCodes.Status400BadRequest,
        RejectionKind.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status422UnprocessableEntity,
    };

    private static string TitleOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "The request is not valid",
        StatusCodes.Status404NotFound => "Not found",
        StatusCodes.Status409Conflict => "Conflicting write",
        StatusCodes.Status422UnprocessableEntity => "The rules do not allow this",
        _ => "Request failed",
    };
}
