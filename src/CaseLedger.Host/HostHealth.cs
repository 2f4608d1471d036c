using CaseLedger.Hosting;
using CaseLedger.Http;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CaseLedger.Host;

/// <summary>
/// Whether the host can serve: <c>/health/live</c> (the process is up and answering), <c>/health/ready</c>
/// (and PostgreSQL answers), and <c>/health</c>, the same as ready, since a probe that asks only
/// whether the host is "healthy" means whether requests will work. All are open to anyone. A request
/// that meets an unreachable database is answered 503 <c>database.unavailable</c>
/// (<see cref="DatabaseUnavailableHandler"/>), and the embedded cluster is restarted when it dies
/// (<see cref="DatabaseWatchdog"/>).
/// </summary>
internal static class HostHealth
{
    private const string Ready = "ready";

    // A probe must answer in time even when the server is unreachable rather than refusing.
    private static readonly TimeSpan DatabaseCheckTimeout = TimeSpan.FromSeconds(5);

    public static WebApplicationBuilder AddHostHealth(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [Ready], timeout: DatabaseCheckTimeout);
        builder.Services.AddExceptionHandler<DatabaseUnavailableHandler>();
        builder.Services.AddHostedService<DatabaseWatchdog>();
        return builder;
    }

    /// <summary>
    /// Maps the three endpoints as ordinary routes over the health check service rather than with
    /// <c>MapHealthChecks</c>, so they appear in the API description with what they answer.
    /// </summary>
    public static void MapHostHealth(this WebApplication app)
    {
        Map(app, "/health/live", "HealthLive", "Whether the host process is up and answering", _ => false);
        Map(app, "/health/ready", "HealthReady", "Whether the host can serve requests: PostgreSQL answers", r => r.Tags.Contains(Ready));
        Map(app, "/health", "Health", "The same as /health/ready", r => r.Tags.Contains(Ready));
    }

    private static void Map(WebApplication app, string path, string name, string summary, Func<HealthCheckRegistration, bool> checks) =>
        app.MapGet(path, async (HealthCheckService health, HttpContext http) =>
            {
                var report = await health.CheckHealthAsync(checks, http.RequestAborted);
                // A load balancer or a proxy must never answer a probe from a cache.
                http.Response.Headers.CacheControl = "no-store";
                var answer = new HealthAnswer(NameOf(report.Status), report.Entries.ToDictionary(e => e.Key, e => NameOf(e.Value.Status)));
                return report.Status == HealthStatus.Unhealthy
                    ? Results.Json(answer, statusCode: StatusCodes.Status503ServiceUnavailable)
                    : Results.Ok(answer);
            })
            .AllowAnonymous()
            .WithName(name)
            .WithSummary(summary)
            .WithTags("host")
            .WithMetadata(new HealthProbeAttribute())
            .Produces<HealthAnswer>()
            .Produces<HealthAnswer>(StatusCodes.Status503ServiceUnavailable);

    private static string NameOf(HealthStatus status) => status switch
    {
        HealthStatus.Healthy => "healthy",
        HealthStatus.Degraded => "degraded",
        _ => "unhealthy",
    };

    /// <summary>The answer of a health endpoint: overall, and per check (<c>database</c>).</summary>
    internal sealed record HealthAnswer(string Status, IReadOnlyDictionary<string, string> Checks);
}
