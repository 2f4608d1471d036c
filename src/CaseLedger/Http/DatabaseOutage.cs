using CaseLedger.Hosting;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;

namespace CaseLedger.Http;

/// <summary>
/// Answers a request that failed because PostgreSQL could not be reached with 503 and the code
/// <c>database.unavailable</c> (with <c>Retry-After</c>) instead of a 500: the request was fine, the
/// database was not, and the client may send it again. Register it with
/// <c>services.AddExceptionHandler&lt;DatabaseUnavailableHandler&gt;()</c> beside <c>app.UseExceptionHandler()</c>.
/// Each such request is logged as one line naming its route, not the exception: during an outage every
/// request fails the same way, and a stack trace for each would bury everything else.
/// </summary>
public sealed class DatabaseUnavailableHandler(ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>The seconds a client is asked to wait: about how long the embedded database takes to come back.</summary>
    public const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(httpContext);
        if (!DatabaseFailures.IsUnavailable(exception) || httpContext.Response.HasStarted)
        {
            return false;
        }

        // The middleware has cleared the request's endpoint by now; the feature keeps the one that failed.
        var endpoint = httpContext.Features.Get<IExceptionHandlerFeature>()?.Endpoint ?? httpContext.GetEndpoint();
        var route = (endpoint as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
        logger.LogWarning("{Method} {Route}: answered 503, PostgreSQL could not be reached", httpContext.Request.Method, route);
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await CaseHttp.Problem(ApiProblems.DatabaseUnavailable.Status, ApiProblems.DatabaseUnavailable.Code,
                "The ledger's database cannot be reached just now. Send the request again in a few seconds; sent with an Idempotency-Key, a write is never applied twice.")
            .ExecuteAsync(httpContext);
        return true;
    }
}
