using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace CaseLedger.Http.Identity;

/// <summary>
/// The district in a route (<c>/districts/{district}/...</c>) must be one the caller's token grants and
/// one the deployment has set up; the district is then the Marten tenant every read and write of the
/// request uses. No header or query string widens it. Runs after authentication and authorization.
/// </summary>
public static class DistrictAccess
{
    public static IApplicationBuilder UseCaseLedgerDistrictAccess(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            if (context.GetEndpoint() is not null && context.User.Identity?.IsAuthenticated == true
                && context.GetRouteValue("district") is string district
                && await CaseHttp.CheckAccessAsync(context, district) is { } refused)
            {
                await refused.ExecuteAsync(context);
                return;
            }

            await next(context);
        });
}
