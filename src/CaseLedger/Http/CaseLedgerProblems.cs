using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.Http;

/// <summary>
/// Problem details for the answers the framework gives by itself (no route, a method the route does
/// not take, a media type the endpoint does not accept, a request the server could not read), in
/// CaseLedger's form: each with a stable <c>code</c> like the problems CaseLedger writes, and without
/// a word about the exception or the request's content.
/// </summary>
public static class CaseLedgerProblems
{
    /// <summary>Registers ASP.NET Core's problem details service with CaseLedger's codes, and maps a request the server could not read to its 4xx.</summary>
    public static IServiceCollection AddCaseLedgerProblemDetails(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddProblemDetails(options => options.CustomizeProblemDetails = Customize);
        // Kestrel throws BadHttpRequestException for a body over its limit or a broken chunk: the
        // client's fault, so its own status (413, 400), never a 500.
        services.Configure<ExceptionHandlerOptions>(options =>
            options.StatusCodeSelector = e => e is BadHttpRequestException bad ? bad.StatusCode : StatusCodes.Status500InternalServerError);
        return services;
    }

    /// <summary>The stable code of a problem the framework answered by itself, by its status.</summary>
    public static string CodeOf(int status) => status switch
    {
        StatusCodes.Status400BadRequest => "request.invalid",
        StatusCodes.Status401Unauthorized => "auth.token_missing",
        StatusCodes.Status403Forbidden => "auth.role_not_allowed",
        StatusCodes.Status404NotFound => "route.not_found",
        StatusCodes.Status405MethodNotAllowed => "request.method_not_allowed",
        StatusCodes.Status406NotAcceptable => "request.not_acceptable",
        StatusCodes.Status408RequestTimeout => "request.timeout",
        StatusCodes.Status411LengthRequired => "request.length_required",
        StatusCodes.Status413PayloadTooLarge => "request.too_large",
        StatusCodes.Status414UriTooLong => "request.uri_too_long",
        StatusCodes.Status415UnsupportedMediaType => "request.content_type",
        StatusCodes.Status431RequestHeaderFieldsTooLarge => "request.headers_too_large",
        >= 500 => "server.error",
        _ => $"http.{status}",
    };

    private static void Customize(ProblemDetailsContext context)
    {
        var problem = context.ProblemDetails;
        if (problem.Extensions.ContainsKey("code"))
        {
            return;
        }

        var status = problem.Status ?? context.HttpContext.Response.StatusCode;
        var code = CodeOf(status);
        problem.Extensions["code"] = code;
        problem.Type = $"https://caseledger.dev/problems/{code}";
        problem.Detail ??= status switch
        {
            StatusCodes.Status404NotFound => "No operation is at this address (a case id is a GUID; GET /openapi/v1.json lists the operations).",
            StatusCodes.Status405MethodNotAllowed => "This address does not take that method.",
            StatusCodes.Status415UnsupportedMediaType => "Send the body as JSON, with Content-Type: application/json (UTF-8).",
            StatusCodes.Status413PayloadTooLarge => "The request's body is larger than this host takes.",
            >= 500 => "The ledger could not answer this request; its id is in traceId.",
            _ => null,
        };
    }
}
