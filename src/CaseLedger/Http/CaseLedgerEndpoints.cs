using CaseLedger.Core;
using CaseLedger.Core.Summaries;
using CaseLedger.Hosting;
using CaseLedger.Http.Identity;
using CaseLedger.Rules;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace CaseLedger.Http;

/// <summary>
/// The HTTP API derived from the registered kinds' declarations: for each kind, one endpoint per
/// command, its read model by id and as a list, and its queries; and <c>GET /kinds</c>, which says
/// what the registered kinds are. A kind that is not registered exposes nothing.
/// </summary>
public static class CaseLedgerEndpoints
{
    /// <summary>The most a page of a list returns (<c>?limit=</c>); the newest come first.</summary>
    public const int ListLimit = 200;

    /// <summary>A page of a list when no <c>limit</c> is given.</summary>
    public const int ListDefaultLimit = 50;

    /// <summary>Who may read a case's read model: staff and auditors of the district, and a resident for their own cases.</summary>
    private static readonly Role[] ViewReaders = [Role.Clerk, Role.Proxy, Role.Auditor, Role.Administrator, Role.Resident];

    /// <summary>
    /// Who may list a district's cases of a kind (the lists carry people's names): its clerks, auditors
    /// and administrators. Proxy staff read the case they act on by its id, not the district's lists.
    /// </summary>
    private static readonly Role[] ListReaders = [Role.Clerk, Role.Auditor, Role.Administrator];

    /// <summary>Who may run a kind's district-wide queries (sums across cases, no one's personal data).</summary>
    private static readonly Role[] QueryReaders = [Role.Clerk, Role.Auditor, Role.Administrator, Role.RuleAuthor];

    public static IEndpointRouteBuilder MapCaseLedger(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var kinds = app.ServiceProvider.GetRequiredService<CaseKinds>();
        app.MapGet("/kinds", () => Results.Ok(kinds.All.Select(KindInfo.Of)))
            .WithName("ListKinds").WithSummary("The case kinds this ledger serves: their routes, commands, events and queries").WithTags("ledger")
            .Produces<IReadOnlyList<KindInfo>>();
        DistrictEndpoints.Map(app);
        ImportEndpoints.Map(app);
        RuleEndpoints.Map(app);
        foreach (var kind in kinds.All)
        {
            foreach (var command in kind.Commands)
            {
                typeof(CaseLedgerEndpoints).GetMethod(nameof(MapCommand), System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Static)!
                    .MakeGenericMethod(command.CommandType)
                    .Invoke(null, [app, command]);
            }

            MapViews(app, kind);
            foreach (var query in kind.Queries)
            {
                app.MapGet($"/districts/{{district}}/{query.Path}", async (string district, [FromServices] IDocumentStore store,
                        [FromServices] TimeProvider clock, [FromServices] RuleBook rules, HttpContext http) =>
                    {
                        // A query of someone's own cases takes no filter: who asks is the only question (a list of them takes its paging).
                        if (query.ForTheirOwn is { } own
                            && http.Request.Query.Any(q => query.Paging is null || !ListPaging.Parameters.Contains(q.Key, StringComparer.Ordinal)))
                        {
                            return CaseHttp.Problem(ApiProblems.FilterUnknown.Status, ApiProblems.FilterUnknown.Code,
                                $"This answers with the signed-in {(own == Role.Partner ? "partner institution's" : "resident's own")} cases and takes no query parameter" +
                                (query.Paging is null ? "." : " but its paging (cursor, limit, count)."));
                        }

                        var page = PageRequest.First(query.Paging?.DefaultLimit ?? ListDefaultLimit);
                        var csv = false;
                        if (query.Paging is { } paging)
                        {
                            var (asked, badPaging) = ListPaging.Read(http.Request, paging.DefaultLimit, paging.MaxLimit, paging.ReadCursor);
                            (csv, var badFormat) = ListExport.Read(http.Request);
                            if ((badPaging ?? badFormat) is { } badRequest)
                            {
                                return badRequest;
                            }

                            page = asked!;
                        }

                        if (query.Period is { } grain && ReadingPeriod.Read(QueryValues(http), grain).Refused is { } refused)
                        {
                            return CaseHttp.Problem(refused);
                        }

                        var (institution, unnamed) = query.ForTheirOwn == Role.Partner ? CaseHttp.InstitutionOf(http.User) : (null, null);
                        if (unnamed is not null)
                        {
                            return unnamed;
                        }

                        await using var session = store.QuerySession(district);
                        var person = query.ForTheirOwn == Role.Resident ? CaseLedgerClaims.SubjectOf(http.User) ?? "" : null;
                        var answer = await query.Run(session, query.Paging is null ? QueryValues(http) : FiltersOnly(http),
                            new QueryContext(clock.GetUtcNow(), rules, person, institution) { Page = page }, http.RequestAborted);
                        if (answer is not IListPage listed)
                        {
                            return Results.Ok(answer);
                        }

                        var next = ListPaging.NextLink(http.Request, listed.Cursor);
                        return csv ? ListExport.Page(listed.Listed, next, rules.UtcOffset, $"{district}-{query.Path.Replace('/', '-')}") : Results.Ok(listed.WithNext(next));
                    })
                    .WithName(Pascal(query.Path)).WithSummary(query.Summary).WithTags(kind.Name)
                    .RequireAuthorization(IdentitySetup.For(query.ForTheirOwn is { } reader ? [reader] : QueryReaders))
                    .Produces(StatusCodes.Status200OK, query.ResultType)
                    .WithMetadata(query.Paging is { } described ? ListPaging.Described(described.DefaultLimit, described.MaxLimit) : [])
                    .WithMetadata(query.Period is { } period ? PeriodParameters(period) : [])
                    .WithMetadata(new ProblemsAttribute([.. query.ForTheirOwn is not null ? [ApiProblems.FilterUnknown] : Array.Empty<ApiProblem>(),
                        .. query.Paging is not null ? ListPaging.Problems : [],
                        .. query.Period is { } grain ? ReadingPeriod.CodesOf(grain).Select(code => new ApiProblem(StatusCodes.Status400BadRequest, code)) : []]));
            }
        }

        return app;
    }

    private static void MapCommand<TCommand>(IEndpointRouteBuilder app, CommandDeclaration command) where TCommand : class
    {
        var kind = command.Kind;
        var collection = $"/districts/{{district}}/{kind.Route}";
        var builders = new List<RouteHandlerBuilder>();
        if (command.OpensCase)
        {
            builders.Add(app.MapPost(collection, (string district, HttpContext http, [FromServices] IMessageBus bus) =>
                    SendAsync<TCommand>(command, district, Guid.CreateVersion7(), http, bus))
                .WithName(command.OperationId).WithSummary(command.Summary)
                .WithMetadata(new ProblemsAttribute(ApiProblems.OfCommand(command, caseIdInRoute: false))));
            // The client chooses the new case's id, so a retried opening can never make two cases.
            builders.Add(app.MapPut($"{collection}/{{caseId:guid}}", (string district, Guid caseId, HttpContext http, [FromServices] IMessageBus bus) =>
                    SendAsync<TCommand>(command, district, caseId, http, bus))
                .WithName($"{command.OperationId}WithId").WithSummary($"{command.Summary} (under an id the client chose)")
                .WithMetadata(new ProblemsAttribute(ApiProblems.OfCommand(command, caseIdInRoute: true))));
        }
        else
        {
            builders.Add(app.MapPost($"{collection}/{{caseId:guid}}/{command.Segment}", (string district, Guid caseId, HttpContext http, [FromServices] IMessageBus bus) =>
                    SendAsync<TCommand>(command, district, caseId, http, bus))
                .WithName(command.OperationId).WithSummary(command.Summary)
                .WithMetadata(new ProblemsAttribute(ApiProblems.OfCommand(command, caseIdInRoute: true))));
        }

        foreach (var builder in builders)
        {
            // The problems each answers with are derived from the declaration (ApiProblems), not listed here.
            builder.WithTags(kind.Name)
                .WithMetadata(new CommandEndpointAttribute(command.OpensCase))
                .RequireAuthorization(IdentitySetup.For([.. command.AllowedRoles]))
                .Produces<CommandOutcome>(command.OpensCase ? StatusCodes.Status201Created : StatusCodes.Status200OK);
            if (command.HasBody)
            {
                builder.Accepts<TCommand>("application/json");
            }
        }
    }

    private static async Task<IResult> SendAsync<TCommand>(CommandDeclaration declaration, string district, Guid caseId, HttpContext http, IMessageBus bus)
        where TCommand : class
    {
        var (acting, badActing) = CaseHttp.ReadActing(http, declaration);
        if (badActing is not null)
        {
            return badActing;
        }

        var (expected, badTag) = CaseHttp.ExpectedVersion(http);
        if (badTag is not null)
        {
            return badTag;
        }

        TCommand command;
        ReadOnlyMemory<byte> body = default;
        // A command without fields takes no body; one sent anyway is read as strictly as any other
        // ({} passes, a member it does not have is refused), so nothing a client sends is silently dropped.
        if (declaration.HasBody || CaseHttp.HasBody(http.Request))
        {
            var (value, bytes, badBody) = await CaseHttp.ReadBodyAsync<TCommand>(http, declaration.MaxBodyBytes);
            if (badBody is not null)
            {
                return badBody;
            }

            command = value!;
            body = bytes;
        }
        else
        {
            command = Activator.CreateInstance<TCommand>();
        }

        var store = http.RequestServices.GetRequiredService<IDocumentStore>();
        var clock = http.RequestServices.GetRequiredService<TimeProvider>();
        IResult Respond(CommandOutcome outcome) => Response(declaration, district, http, outcome);
        var (claim, answered) = await IdempotentRequests.ClaimAsync(http, store, district, body, caseId, clock, Respond);
        if (answered is not null)
        {
            return answered;
        }

        CommandOutcome result;
        try
        {
            result = await bus.InvokeAsync<CommandOutcome>(new CaseCommand<TCommand>(caseId, command, expected) { Idempotency = claim },
                acting!.ToDeliveryOptions(district), http.RequestAborted);
        }
        catch when (claim is not null)
        {
            await IdempotentRequests.ReleaseAsync(store, district, claim);
            throw;
        }

        if (claim is not null)
        {
            await IdempotentRequests.CompleteAsync(store, district, claim, caseId, result, clock.GetUtcNow(), http.RequestAborted);
        }

        // The case comes back only to whoever may read it (as GET of the case decides); the outcome to anyone who wrote.
        if (result.Case is not null)
        {
            await using var session = store.QuerySession(district);
            if (!await MayReadAsync(http, session, declaration.Kind, result.CaseId))
            {
                result = result with { Case = null };
            }
        }

        return Respond(result);
    }

    /// <summary>The response to a command's outcome; the same whether the command ran now or a retry replays it.</summary>
    private static IResult Response(CommandDeclaration declaration, string district, HttpContext http, CommandOutcome outcome)
    {
        return CaseHttp.Written(http, outcome, declaration.OpensCase ? $"/districts/{district}/{declaration.Kind.Route}/{outcome.CaseId}" : null);
    }

    private static void MapViews(IEndpointRouteBuilder app, CaseKind kind)
    {
        var view = kind.MainView;
        var collection = $"/districts/{{district}}/{kind.Route}";
        app.MapGet($"{collection}/{{caseId:guid}}", async (string district, Guid caseId, [FromServices] IDocumentStore store, HttpContext http) =>
            {
                await using var session = store.QuerySession(district);
                if (await view.LoadAsync(session, caseId, http.RequestAborted) is not { } model)
                {
                    return CaseHttp.NotFound(caseId);
                }

                if (!await MayReadAsync(http, session, kind, caseId))
                {
                    return CaseHttp.Problem(StatusCodes.Status403Forbidden, "auth.not_your_own", "A resident reads only their own cases.");
                }

                if (view.VersionOf(model) is { } version)
                {
                    http.Response.Headers.ETag = CaseHttp.Etag(version);
                }

                return Results.Ok(model);
            })
            .WithName($"Get{view.Type.Name}").WithSummary($"One case's {view.Type.Name}, with its version as the ETag").WithTags(kind.Name)
            .RequireAuthorization(IdentitySetup.For(ViewReaders))
            .Produces(StatusCodes.Status200OK, view.Type)
            .WithMetadata(new ProblemsAttribute([ApiProblems.CaseNotFound, ApiProblems.NotYourOwn]));
        if (kind.PartnerView is { } partnerView)
        {
            app.MapGet($"{collection}/{{caseId:guid}}/partner-view", async (string district, Guid caseId, [FromServices] IDocumentStore store, HttpContext http) =>
                {
                    var (institution, unnamed) = CaseHttp.InstitutionOf(http.User);
                    if (institution is null)
                    {
                        return unnamed!;
                    }

                    await using var session = store.QuerySession(district);
                    if (await view.LoadAsync(session, caseId, http.RequestAborted) is not { } model)
                    {
                        return CaseHttp.NotFound(caseId);
                    }

                    // A partner sees only the part of a case that names its institution, and nothing of any other.
                    return partnerView(model, institution) is { } seen
                        ? Results.Ok(seen)
                        : CaseHttp.Problem(CommandPipeline.NotParty(institution));
                })
                .WithName($"GetPartner{view.Type.Name}")
                .WithSummary($"What a partner institution sees of a case it is party to: its own steps, never the owner")
                .WithTags(kind.Name)
                .RequireAuthorization(IdentitySetup.For(Role.Partner))
                .Produces(StatusCodes.Status200OK, kind.PartnerViewType!)
                .WithMetadata(new ProblemsAttribute([ApiProblems.CaseNotFound, ApiProblems.NotPartyToCase]));
        }

        app.MapGet(collection, async (string district, [FromServices] IDocumentStore store, [FromServices] RuleBook rules, HttpContext http) =>
            {
                // A misspelt or repeated filter would silently widen or blur the list: it is refused instead.
                if (http.Request.Query.FirstOrDefault(q => !ListPaging.Parameters.Contains(q.Key, StringComparer.Ordinal)
                        && (!view.Filters.Contains(q.Key, StringComparer.Ordinal) || q.Value.Count > 1)) is { Key: { } wrong })
                {
                    return CaseHttp.Problem(ApiProblems.FilterUnknown.Status, ApiProblems.FilterUnknown.Code,
                        view.Filters.Contains(wrong, StringComparer.Ordinal)
                            ? $"Give the filter {wrong} once."
                            : $"This list has no filter '{wrong}'{(view.Filters.Count > 0 ? $": use {string.Join(", ", view.Filters)}" : "")}.");
                }

                var (page, badPaging) = ListPaging.Read(http.Request, ListDefaultLimit, ListLimit, cursor => Keyset.ReadTimeAndId(view.ListName, cursor));
                var (csv, badFormat) = ListExport.Read(http.Request);
                if ((badPaging ?? badFormat) is { } badRequest)
                {
                    return badRequest;
                }

                await using var session = store.QuerySession(district);
                var (listed, refused) = await view.ListAsync(session, FiltersOnly(http), page!, http.RequestAborted);
                if (refused is not null)
                {
                    return CaseHttp.Problem(refused);
                }

                var answer = ListPaging.Answer(http.Request, listed.Items, listed.Cursor, listed.Count);
                return csv ? ListExport.Page(answer.Items, answer.Next, rules.UtcOffset, $"{district}-{kind.Route}") : Results.Ok(answer);
            })
            .WithName($"List{view.Type.Name}")
            .WithSummary($"The district's {view.Type.Name} read models, newest first, a page at a time (at most {ListLimit}; follow `next`)" +
                (view.Filters.Count > 0 ? $"; filtered by {string.Join(", ", view.Filters)}" : ""))
            .WithTags(kind.Name)
            .RequireAuthorization(IdentitySetup.For(ListReaders))
            .Produces(StatusCodes.Status200OK, typeof(ListPage<>).MakeGenericType(view.Type))
            .WithMetadata([.. view.Filters.Select(f => new QueryParameterAttribute(f, $"Only the cases whose {f} is this value.")),
                .. ListPaging.Described(ListDefaultLimit, ListLimit)])
            .WithMetadata(new ProblemsAttribute([.. view.RefusesFilterValues ? [ApiProblems.FilterUnknown, ApiProblems.FilterUnknownValue] : new[] { ApiProblems.FilterUnknown },
                .. ListPaging.Problems]));
    }

    /// <summary>The period a reading takes, as the API description lists it: <c>from</c> and <c>to</c>, both included, in the reading's grain.</summary>
    private static QueryParameterAttribute[] PeriodParameters(PeriodGrain grain)
    {
        var (unit, example) = grain == PeriodGrain.Month ? ("month, yyyy-MM", "2026-11") : ("day, yyyy-MM-dd", "2026-11-30");
        return
        [
            new("from", $"The first {unit} (civil time) the reading covers, included (e.g. {example}). Left out, from the district's first."),
            new("to", $"The last {unit} (civil time) the reading covers, included (e.g. {example}). Left out, up to now."),
        ];
    }

    /// <summary>Whether the signed-in person may read the case: staff and proxies any of the district's, a resident only their own.</summary>
    private static async Task<bool> MayReadAsync(HttpContext http, IQuerySession session, CaseKind kind, Guid caseId) =>
        ListReaders.Append(Role.Proxy).Any(role => CaseLedgerClaims.HasRole(http.User, role))
        || (kind.ResidentCase is { } isTheirs && await isTheirs(session, caseId, CaseLedgerClaims.SubjectOf(http.User) ?? "", http.RequestAborted));

    /// <summary>The query string's values but the paging's, which a list query reads from its <see cref="QueryContext.Page"/>.</summary>
    private static Dictionary<string, string> FiltersOnly(HttpContext http) =>
        http.Request.Query.Where(q => !ListPaging.Parameters.Contains(q.Key, StringComparer.Ordinal))
            .ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    private static Dictionary<string, string> QueryValues(HttpContext http) =>
        http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    private static string Pascal(string path) =>
        string.Concat(path.Split('/', '-').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}

/// <summary>What <c>GET /kinds</c> says of a kind: its own commands first, then the core's case-wide ones every case takes.</summary>
public sealed record KindInfo(
    string Name,
    string Label,
    string Title,
    string Route,
    string Rule,
    IReadOnlyList<KindCommandInfo> Commands,
    IReadOnlyList<string> Events,
    string View,
    IReadOnlyList<string> Queries)
{
    public static KindInfo Of(CaseKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        return new KindInfo(kind.Name, kind.Label, kind.Title, kind.Route, kind.RuleId,
            kind.Commands.Select(c => new KindCommandInfo(c.Name, c.OpensCase ? $"/districts/{{district}}/{kind.Route}" : $"/districts/{{district}}/{kind.Route}/{{caseId}}/{c.Segment}", c.Summary))
                // The core's case-wide commands, which every case of every kind takes at its own route.
                .Concat(Core.Service.CaseWideCommands.All.Select(c => new KindCommandInfo(c.Name, $"/districts/{{district}}/cases/{{caseId}}/{c.Segment}",
                    char.ToUpperInvariant(c.Action[0]) + c.Action[1..])))
                .ToList(),
            kind.EventNames.Values.ToList(), kind.MainView.Type.Name, kind.Queries.Select(q => $"/districts/{{district}}/{q.Path}").ToList());
    }
}

public sealed record KindCommandInfo(string Name, string Path, string Summary);
