using CaseLedger.Core;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;

namespace CaseLedger.Http.Identity;

/// <summary>
/// ASP.NET Core authentication and authorization the CaseLedger way: JWT bearer tokens validated
/// against <see cref="TokenKeys"/>, claims kept as the token names them (<c>sub</c>, <c>role</c>,
/// <c>district</c>, <c>channel</c>), every endpoint closed to anonymous callers unless it says
/// otherwise, and refusals as problem details with a stable code (401 <c>auth.token_missing</c> or
/// <c>auth.token_invalid</c>, 403 <c>auth.role_not_allowed</c>).
/// </summary>
public static class IdentitySetup
{
    public static IServiceCollection AddCaseLedgerIdentity(this IServiceCollection services, TokenKeys keys)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(keys);
        services.AddSingleton(keys);
        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer(options =>
        {
            options.MapInboundClaims = false;
            if (keys.Authority is { } authority)
            {
                options.Authority = authority;
            }

            options.TokenValidationParameters = new TokenValidationParameters
            {
                ValidIssuer = keys.Issuer,
                ValidAudience = keys.Audience,
                IssuerSigningKeys = keys.Authority is null ? keys.ValidationKeys : null,
                NameClaimType = CaseLedgerClaims.Subject,
                RoleClaimType = CaseLedgerClaims.Role,
                ClockSkew = TimeSpan.FromMinutes(1),
            };
            options.Events = new JwtBearerEvents
            {
                // A token its issuer signed may still claim what no person may, or leave out who acts.
                OnTokenValidated = context =>
                {
                    if (context.Principal is { } principal && CaseLedgerClaims.RefusalOf(principal) is { } reason)
                    {
                        context.Fail(new TokenClaimsRefusedException(reason));
                    }

                    return Task.CompletedTask;
                },
                OnChallenge = async context =>
                {
                    context.HandleResponse();
                    context.Response.Headers.WWWAuthenticate = "Bearer";
                    var (code, detail) = context.AuthenticateFailure is { } failure
                        ? ("auth.token_invalid", $"The bearer token was not accepted: {Reason(failure)}.")
                        : ("auth.token_missing", "Sign in: send a bearer token (Authorization: Bearer ...).");
                    await CaseHttp.Problem(StatusCodes.Status401Unauthorized, code, detail).ExecuteAsync(context.HttpContext);
                },
                OnForbidden = async context =>
                {
                    var needed = context.HttpContext.GetEndpoint()?.Metadata.GetOrderedMetadata<IAuthorizeData>()
                        .SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                        .Distinct(StringComparer.Ordinal).ToList() ?? [];
                    var held = CaseLedgerClaims.RolesOf(context.HttpContext.User).Select(Roles.NameOf).ToList();
                    await CaseHttp.Problem(StatusCodes.Status403Forbidden, "auth.role_not_allowed",
                        $"Signed in as {(held.Count == 0 ? "no role" : string.Join(", ", held))}; this is for: {string.Join(", ", needed)}.")
                        .ExecuteAsync(context.HttpContext);
                },
            };
        });
        services.AddAuthorization(options =>
        {
            // No endpoint is open by forgetting to close it: anything that does not say otherwise needs a signed-in caller.
            options.FallbackPolicy = new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build();
        });
        return services;
    }

    /// <summary>An authorization requirement for the given roles, as endpoint metadata.</summary>
    public static AuthorizeAttribute For(params Role[] roles) => new() { Roles = string.Join(",", roles.Select(Roles.NameOf)) };

    /// <summary>Why a token failed, in words, without the token or its claims.</summary>
    private static string Reason(Exception failure) => failure switch
    {
        TokenClaimsRefusedException refused => refused.Message,
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenNotYetValidException => "it is not valid yet",
        SecurityTokenInvalidAudienceException => "it is for another audience",
        SecurityTokenInvalidIssuerException => "its issuer is not trusted here",
        SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "its signature does not check out",
        _ => "it is malformed",
    };
}

/// <summary>A signed token refused for what it claims (<see cref="CaseLedgerClaims.RefusalOf"/>); the message says why.</summary>
internal sealed class TokenClaimsRefusedException(string reason) : SecurityTokenValidationException(reason);
