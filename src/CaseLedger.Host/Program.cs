using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Http;
using CaseLedger.Http.Identity;
using CaseLedger.Host;
using JasperFx;
using Marten;
using Wolverine;
using Wolverine.Http;
using Wolverine.Marten;

// The settings (appsettings.json) and the auditor's pages are read from beside the built host, wherever it is
// started from, so that a verb's relative paths are the caller's (a content root given explicitly still wins).
var builder = WebApplication.CreateBuilder(new WebApplicationOptions
{
    Args = args,
    ContentRootPath = ContentRootGiven(args) ? null : AppContext.BaseDirectory,
});

// A verb's standard output holds only what it answers (a report, its --json, a token), so that it can be
// piped or parsed: the log goes to standard error.
if (RunsAVerb(args))
{
    builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
}

// Where the host listens: ASPNETCORE_URLS, --urls or Urls in a settings file, as ASP.NET Core reads them.
// Only when none of them names an address does it take the loopback default (a default in
// appsettings.json would override the environment variable, which ASP.NET Core reads first).
if (string.IsNullOrWhiteSpace(builder.Configuration[WebHostDefaults.ServerUrlsKey])
    && string.IsNullOrWhiteSpace(builder.Configuration["http_ports"]) && string.IsNullOrWhiteSpace(builder.Configuration["https_ports"]))
{
    builder.WebHost.UseUrls(HostAddress.Default);
}

builder.Services.AddSingleton<DatabaseChoice>();
builder.Services
    .AddMarten(sp =>
    {
        var options = new StoreOptions();
        options.Connection(sp.GetRequiredService<DatabaseChoice>().ConnectionString);
        return options;
    })
    .UseLightweightSessions()
    .ApplyAllDatabaseChangesOnStartup()
    .IntegrateWithWolverine();

// The case kinds are CaseLedger's standard list (CaseLedger.Hosting.StandardKinds).
builder.Host.UseWolverine(opts => opts.UseCaseLedger());

builder.Services.AddWolverineHttp();
// Problems the framework answers by itself (no route, a wrong media type, an unreadable body) carry CaseLedger's codes too.
builder.Services.AddCaseLedgerProblemDetails();
// No request is larger than the largest body an operation takes (an opening vote's roll); each
// operation holds its own body to its own, smaller limit.
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = InputLimits.LargeBodyBytes);
// Bearer tokens from the configured identity provider, or from the host's own key (the `token` verb).
builder.AddHostIdentity();
// Seals are signed with a key kept outside the database and published to a witness folder.
builder.AddHostSealing();
// The API description (/openapi/v1.json), exact about schemas, roles and problem codes.
builder.Services.AddCaseLedgerApiDescription();
builder.Services.ConfigureHttpJsonOptions(json => CaseJson.Configure(json.SerializerOptions));
// Every time an answer holds is in the district's civil time (the rule book's UTC offset, +08:00 by default).
builder.Services.AddOptions<Microsoft.AspNetCore.Http.Json.JsonOptions>()
    .Configure<CaseLedger.Rules.RuleBook>((json, rules) => CaseJson.InCivilTime(json.SerializerOptions, rules.UtcOffset));
builder.Services.AddHostedService<SeedLoader>();
// /health/live and /health/ready; 503 database.unavailable while PostgreSQL is down; the embedded cluster restarted when it dies.
builder.AddHostHealth();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseCaseLedgerRequestChecks();
// The auditor's pages: plain files under wwwroot/audit, no build step. UseDefaultFiles serves
// /audit/ as /audit/index.html and redirects /audit there (a mapped /audit would also match /audit/).

app.MapGet("/", () => Results.Redirect("/audit/")).AllowAnonymous().ExcludeFromDescription();
app.UseDefaultFiles();
app.UseStaticFiles();
// The API description to try by hand at /api/: Swagger UI, plain files served by the host itself like the
// auditor's pages (nothing fetched from elsewhere; anyone may open it, and each call it makes carries the token given to it).
app.UseSwaggerUI(ui =>
{
    ui.RoutePrefix = "api";
    ui.SwaggerEndpoint("/openapi/v1.json", "CaseLedger");
    ui.DocumentTitle = "CaseLedger API";
    ui.EnablePersistAuthorization();
});
app.UseAuthentication();
app.UseAuthorization();
app.UseCaseLedgerDistrictAccess();
app.MapOpenApi().AllowAnonymous();
app.MapHostHealth();
app.MapDevelopmentSignIn();
// With no identity provider configured, says so at start (outside Development, with how to configure one).
app.AnnounceIdentity();
app.AnnounceAddresses();
app.MapCaseLedger();
app.MapWolverineEndpoints();

// `verb --help` shows the verb's usage. JasperFx prints a verb's usage through its help command and
// exits 1, as it does for a mistyped command line; asking for help is not a failure, so it exits 0.
if (args.Length >= 1 && args.Skip(1).Any(a => a is "--help" or "-h" or "-?"))
{
    await app.RunJasperFxCommands(["help", args[0]]);
    return 0;
}

if (args is ["help", _])
{
    await app.RunJasperFxCommands(args);
    return 0;
}

if (RunsAVerb(args) && args[0] != "help")
{
    // A verb's answer alone goes to standard output (so `$(... token ...)` captures the token, and --json
    // parses); JasperFx's own chatter about discovering commands, its usage errors and the progress bars go
    // to standard error with the log.
    Spectre.Console.AnsiConsole.Console = Spectre.Console.AnsiConsole.Create(new Spectre.Console.AnsiConsoleSettings
    {
        Out = new Spectre.Console.AnsiConsoleOutput(Console.Error),
    });
}

return await app.RunJasperFxCommands(args);

/// <summary>Lets the test host start this program.</summary>
public partial class Program
{
    /// <summary>Whether the command line names a verb (audit, verify, token, ...) rather than starting the host.</summary>
    private static bool RunsAVerb(string[] args) => args is [var first, ..] && !first.StartsWith('-') && first != "run";

    /// <summary>Whether the content root is given on the command line or in the environment, as ASP.NET Core reads it.</summary>
    private static bool ContentRootGiven(string[] args) =>
        args.Any(a => a.StartsWith("--contentRoot", StringComparison.OrdinalIgnoreCase))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("ASPNETCORE_CONTENTROOT"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOTNET_CONTENTROOT"));
}
