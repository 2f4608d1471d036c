using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.Http.Identity;
using CaseLedger.LocalPostgres;

namespace CaseLedger.Host;

/// <summary>
/// The host's identity: whose tokens it accepts (<see cref="TokenKeys"/>), its data folder (where the
/// embedded default keeps its signing key), the development sign-in the auditor page uses in development
/// (the bearer scheme in the API description is <see cref="ApiDescription"/>'s).
/// </summary>
internal static class HostIdentity
{
    private const string DevelopmentSignInSetting = "CaseLedger:Identity:DevelopmentSignIn";

    /// <summary>
    /// The host's data folder, which holds its keys (token signing, sealing) and its witness folder of seals:
    /// <c>CaseLedger:DataFolder</c>, else the folder that holds the embedded PostgreSQL's data folder, as
    /// configured (<c>CaseLedger:LocalPostgres:DataDirectory</c>) or by default (<c>/var/lib/caseledger</c> for
    /// root, <c>~/.local/share/caseledger</c> otherwise). Two hosts given different data folders for their
    /// clusters thus never share a key or a witness folder.
    /// </summary>
    public static string DataFolder(IConfiguration configuration)
    {
        if (configuration["CaseLedger:DataFolder"] is { Length: > 0 } folder)
        {
            return Path.GetFullPath(folder);
        }

        var embedded = DatabaseChoice.EmbeddedDataDirectory(configuration);
        return Path.GetDirectoryName(embedded) ?? throw new InvalidOperationException(
            $"The embedded PostgreSQL's data folder ({embedded}) has no folder above it to keep the host's keys in: " +
            "choose another CaseLedger:LocalPostgres:DataDirectory, or set CaseLedger:DataFolder.");
    }

    public static WebApplicationBuilder AddHostIdentity(this WebApplicationBuilder builder)
    {
        var keys = TokenKeys.From(builder.Configuration, DataFolder(builder.Configuration));
        builder.Services.AddCaseLedgerIdentity(keys);
        return builder;
    }

    /// <summary>
    /// Whether <c>POST /dev/tokens</c> exists: only while the host signs its own tokens (no identity provider
    /// configured), and then if <c>CaseLedger:Identity:DevelopmentSignIn</c> says so or, when it says nothing,
    /// in the Development environment (<c>./build.sh run</c>). A deployment is not in Development, so there
    /// nobody signs in as whoever they like unless someone switched it on by name.
    /// </summary>
    public static bool OffersDevelopmentSignIn(IConfiguration configuration, IHostEnvironment environment, TokenKeys keys)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        ArgumentNullException.ThrowIfNull(keys);
        return keys.IsEmbedded && (configuration.GetValue<bool?>(DevelopmentSignInSetting) ?? environment.IsDevelopment());
    }

    /// <summary>
    /// Says once the host is up whose tokens it accepts when no identity provider is configured: in Development
    /// as a note, elsewhere as a warning that says how to configure one. Such a host still serves, on its own key:
    /// its tokens come from the <c>token</c> command, which only someone who can read the key file can run.
    /// </summary>
    public static void AnnounceIdentity(this WebApplication app)
    {
        var keys = app.Services.GetRequiredService<TokenKeys>();
        if (!keys.IsEmbedded)
        {
            return;
        }

        var signIn = OffersDevelopmentSignIn(app.Configuration, app.Environment, keys);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("CaseLedger.Identity");
        var development = app.Environment.IsDevelopment();
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            if (development)
            {
                logger.LogInformation(
                    "No identity provider configured: tokens are signed with this host's own key ({KeyFile}), by the token command{SignIn}.",
                    keys.KeyFile, signIn ? " and POST /dev/tokens" : "");
                return;
            }

            logger.LogWarning(
                "No identity provider configured: this host accepts only tokens signed with its own key ({KeyFile}). To accept your " +
                "provider's, set CaseLedger:Identity:Authority, or CaseLedger:Identity:Issuer with CaseLedger:Identity:SigningKeys (docs/identity.md).",
                keys.KeyFile);
            if (signIn)
            {
                logger.LogWarning(
                    "POST /dev/tokens is on ({Setting}): anyone who reaches this host can sign in as anyone, in any role.", DevelopmentSignInSetting);
            }
        });
    }

    /// <summary>
    /// In development only (<see cref="OffersDevelopmentSignIn"/>): <c>POST /dev/tokens</c> mints a token for the roles,
    /// districts and channel asked for (and a partner's institution), so the auditor page (and a developer) can sign in
    /// without an identity provider. It does not exist when a city's provider issues tokens, nor in production.
    /// </summary>
    public static void MapDevelopmentSignIn(this WebApplication app)
    {
        var roleUnknown = new ApiProblem(StatusCodes.Status400BadRequest, "auth.role_unknown");
        var signInInvalid = new ApiProblem(StatusCodes.Status400BadRequest, "auth.sign_in_invalid");
        var keys = app.Services.GetRequiredService<TokenKeys>();
        if (!OffersDevelopmentSignIn(app.Configuration, app.Environment, keys))
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
                        return CaseHttp.Problem(roleUnknown, $"'{name}' is not a role: one of {string.Join(", ", Roles.Names)}.");
                    }

                    roles.Add(role);
                }

                if (request.Subject.Trim().Length is 0 or > CaseHttp.MaxActorLength || roles.Count == 0
                    || request.Districts.Any(d => CaseHttp.CheckDistrict(d) is not null)
                    || !Channels.TryParse(request.Channel, out var channel) || channel == Channel.System)
                {
                    return CaseHttp.Problem(signInInvalid,
                        $"Say who signs in (subject), at least one role, district ids, and one channel of: {string.Join(", ", Channels.OfPeople)}.");
                }

                if (!TokenKeys.TryInstitution(roles, request.Institution, out var institution))
                {
                    return CaseHttp.Problem(signInInvalid,
                        "Name the partner institution (institution) with the partner role, and only with it: a partner's clerk acts for exactly one.");
                }

                // A token's lifetime is checked against the wall clock, whatever clock the ledger decides by.
                var token = keys.Mint(request.Subject.Trim(), roles, request.Districts, channel, TimeSpan.FromHours(8), DateTimeOffset.UtcNow,
                    institution: institution);
                return Results.Ok(new DevelopmentToken(token, 8 * 3600));
            })
            .AllowAnonymous()
            .WithName("DevelopmentSignIn")
            .WithSummary("Development only: mint a development token for the roles and districts asked for")
            .WithTags("ledger")
            .Accepts<DevelopmentSignIn>("application/json")
            .Produces<DevelopmentToken>()
            .WithMetadata(new ProblemsAttribute([roleUnknown, signInInvalid]));
    }

    /// <summary>What the development sign-in asks for; the institution with the partner role only (then required).</summary>
    internal sealed record DevelopmentSignIn(
        [property: MaxLength(CaseHttp.MaxActorLength)] string Subject,
        [property: MaxLength(10)] IReadOnlyList<string> Roles,
        [property: MaxLength(InputLimits.Districts)] IReadOnlyList<string> Districts,
        [property: MaxLength(InputLimits.Name)] string Channel,
        [property: MaxLength(InputLimits.Name)] string? Institution = null);

    /// <summary>The development token, and its lifetime in seconds.</summary>
    internal sealed record DevelopmentToken(string Token, int ExpiresIn);
}
