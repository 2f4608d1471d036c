using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.Http.Identity;
using CaseLedger.LocalPostgres;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace CaseLedger.Host;

/// <summary>
/// The host's identity: whose tokens it accepts (<see cref="TokenKeys"/>), its data folder (where the
/// embedded default keeps its signing key), the development sign-in the auditor page uses on the
/// embedded default, and the bearer scheme in the API description.
/// </summary>
internal static class HostIdentity
{
    /// <summary>
    /// The host's data folder: <c>CaseLedger:DataFolder</c>, else the folder that holds the embedded
    /// PostgreSQL's data (<c>/var/lib/caseledger</c> for root, <c>~/.local/share/caseledger</c> otherwise).
    /// </summary>
    public static string DataFolder(IConfiguration configuration) =>
        configuration["CaseLedger:DataFolder"] is { Length: > 0 } folder
            ? Path.GetFullPath(folder)
            : Path.GetDirectoryName(LocalPostgresCluster.DefaultDataDirectory())!;

    public static WebApplicationBuilder AddHostIdentity(this WebApplicationBuilder builder)
    {
        var keys = TokenKeys.From(builder.Configuration, DataFolder(builder.Configuration));
        builder.Services.AddCaseLedgerIdentity(keys);
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
                Description = keys.IsEmbedded
                    ? "A token from this host's own key: `dotnet run --project src/CaseLedger.Host -- token --role clerk --district yuelu --name you`."
                    : $"A token from the identity provider {keys.Issuer}, for the audience {keys.Audience}.",
            };
            return Task.CompletedTask;
        }).AddOperationTransformer((operation, context, _) =>
        {
            // Every operation that needs a signed-in caller says so, with the roles it is for.
            var metadata = context.Description.ActionDescriptor.EndpointMetadata;
            if (metadata.OfType<IAllowAnonymous>().Any())
            {
                return Task.CompletedTask;
            }

            operation.Security ??= [];
            operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] });
            var roles = metadata.OfType<IAuthorizeData>().SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal).ToList();
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-caseledger-roles"] = new JsonNodeExtension(new System.Text.Json.Nodes.JsonArray(
                (roles.Count == 0 ? Roles.Names : roles).Select(r => (System.Text.Json.Nodes.JsonNode)r!).ToArray()));
            return Task.CompletedTask;
        }));
        return builder;
    }

    /// <summary>
    /// On the embedded default only: <c>POST /dev/tokens</c> mints a token for the roles, districts and
    /// channel asked for, so the auditor page (and a developer) can sign in without an identity
    /// provider. It does not exist when a city's provider issues tokens.
    /// </summary>
    public static void MapDevelopmentSignIn(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<TokenKeys>();
        if (!keys.IsEmbedded || !app.Configuration.GetValue("CaseLedger:Identity:DevelopmentSignIn", true))
        {
            return;
        }

        app.MapPost("/dev/tokens", async (HttpContext http) =>
            {
                var (request, _, refused) = await CaseHttp.ReadBodyAsync<DevelopmentSignIn>(http);
                if (refused is not null)
                {
                    return refused;
                }

                var roles = new List<Role>();
                foreach (var name in request!.Roles)
                {
                    if (!Roles.TryParse(name, out var role))
                    {
                        return CaseHttp.Problem(StatusCodes.Status400BadRequest, "auth.role_unknown", $"'{name}' is not a role: one of {string.Join(", ", Roles.Names)}.");
                    }

                    roles.Add(role);
                }

                if (request.Subject.Trim().Length is 0 or > CaseHttp.MaxActorLength || roles.Count == 0
                    || request.Districts.Any(d => CaseHttp.CheckDistrict(d) is not null)
                    || !Channels.TryParse(request.Channel, out var channel) || channel == Channel.System)
                {
                    return CaseHttp.Problem(StatusCodes.Status400BadRequest, "auth.sign_in_invalid",
                        $"Say who signs in (subject), at least one role, district ids, and one channel of: {string.Join(", ", Channels.OfPeople)}.");
                }

                // A token's lifetime is checked against the wall clock, whatever clock the ledger decides by.
                var token = keys.Mint(request.Subject.Trim(), roles, request.Districts, channel, TimeSpan.FromHours(8), DateTimeOffset.UtcNow);
                return Results.Ok(new { token, expiresIn = 8 * 3600 });
            })
            .AllowAnonymous()
            .WithName("DevelopmentSignIn")
            .WithSummary("Embedded default only: mint a development token for the roles and districts asked for")
            .WithTags("ledger");
    }

    /// <summary>What the development sign-in asks for.</summary>
    internal sealed record DevelopmentSignIn(
        [property: MaxLength(CaseHttp.MaxActorLength)] string Subject,
        [property: MaxLength(10)] IReadOnlyList<string> Roles,
        [property: MaxLength(InputLimits.Districts)] IReadOnlyList<string> Districts,
        [property: MaxLength(InputLimits.Name)] string Channel);
}
