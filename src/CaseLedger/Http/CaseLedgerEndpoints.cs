using CaseLedger.Core;
using CaseLedger.Hosting;
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
    /// <summary>The most a list returns; the newest come first.</summary>
    public const int ListLimit = 200;

    public static IEndpointRouteBuilder MapCaseLedger(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var kinds = app.ServiceProvider.GetRequiredService<CaseKinds>();
        app.MapGet("/kinds", () => Results.Ok(kinds.All.Select(KindInfo.Of)))
            .WithName("ListKinds").WithSummary("The case kinds this ledger serves: their routes, commands, events and queries").WithTags("ledger")
            .Produces<IReadOnlyList<KindInfo>>();
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
                app.MapGet($"/districts/{{district}}/{query.Path}", async (string district, [FromServices] IDocumentStore store, HttpContext http) =>
                    {
                        if (CaseHttp.CheckDistrict(district) is { } bad)
                        {
                            return bad;
                        }

                        await using var session = store.QuerySession(district);
                        return Results.Ok(await query.Run(session, QueryValues(http), http.RequestAborted));
                    })
                    .WithName(Pascal(query.Path)).WithSummary(query.Summary).WithTags(kind.Name);
            }
        }

        return app;
    }

    private static void MapCommand<TCommand>(IEndpointRouteBuilder app, CommandDeclaration command) where TCommand : class
    {
        var kind = command.Kind;
        var collection = $"/districts/{{district}}/{kind.Route}";
        var builder = command.OpensCase
            ? app.MapPost(collection, (string district, HttpContext http, [FromServices] IMessageBus bus) =>
                SendAsync<TCommand>(command, district, Guid.CreateVersion7(), http, bus))
            : app.MapPost($"{collection}/{{caseId:guid}}/{command.Segment}", (string district, Guid caseId, HttpContext http, [FromServices] IMessageBus bus) =>
                SendAsync<TCommand>(command, district, caseId, http, bus));
        builder.WithName(command.OperationId).WithSummary(command.Summary).WithTags(kind.Name)
            .Produces<CommandOutcome>(command.OpensCase ? StatusCodes.Status201Created : StatusCodes.Status200OK)
            .ProducesProblem(StatusCodes.Status400BadRequest)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);
        if (!command.OpensCase)
        {
            builder.ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status412PreconditionFailed);
        }

        if (command.HasBody)
        {
            builder.Accepts<TCommand>("application/json").ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        }
    }

    private static async Task<IResult> SendAsync<TCommand>(CommandDeclaration declaration, string district, Guid caseId, HttpContext http, IMessageBus bus)
        where TCommand : class
    {
        if (CaseHttp.CheckDistrict(district) is { } badDistrict)
        {
            return badDistrict;
        }

        var (acting, badActing) = CaseHttp.ReadActing(http);
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
        if (declaration.HasBody)
        {
            var (body, badBody) = await CaseHttp.ReadBodyAsync<TCommand>(http);
            if (badBody is not null)
            {
                return badBody;
            }

            command = body!;
        }
        else
        {
            command = Activator.CreateInstance<TCommand>();
        }

        var outcome = await bus.InvokeAsync<CommandOutcome>(new CaseCommand<TCommand>(caseId, command, expected),
            acting!.ToDeliveryOptions(district), http.RequestAborted);
        if (outcome.Rejection is { } rejection)
        {
            return CaseHttp.Problem(rejection, outcome.Clauses);
        }

        http.Response.Headers.ETag = CaseHttp.Etag(outcome.Version);
        return declaration.OpensCase
            ? Results.Created($"/districts/{district}/{declaration.Kind.Route}/{caseId}", outcome)
            : Results.Ok(outcome);
    }

    private static void MapViews(IEndpointRouteBuilder app, CaseKind kind)
    {
        var view = kind.MainView;
        var collection = $"/districts/{{district}}/{kind.Route}";
        app.MapGet($"{collection}/{{caseId:guid}}", async (string district, Guid caseId, [FromServices] IDocumentStore store, HttpContext http) =>
            {
                if (CaseHttp.CheckDistrict(district) is { } bad)
                {
                    return bad;
                }

                await using var session = store.QuerySession(district);
                if (await view.LoadAsync(session, caseId, http.RequestAborted) is not { } model)
                {
                    return CaseHttp.NotFound(caseId);
                }

                if (view.VersionOf(model) is { } version)
                {
                    http.Response.Headers.ETag = CaseHttp.Etag(version);
                }

                return Results.Ok(model);
            })
            .WithName($"Get{view.Type.Name}").WithSummary($"One case's {view.Type.Name}, with its version as the ETag").WithTags(kind.Name)
            .Produces(StatusCodes.Status200OK, view.Type).ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet(collection, async (string district, [FromServices] IDocumentStore store, HttpContext http) =>
            {
                if (CaseHttp.CheckDistrict(district) is { } bad)
                {
                    return bad;
                }

                await using var session = store.QuerySession(district);
                var (views, refused) = await view.ListAsync(session, QueryValues(http), ListLimit, http.RequestAborted);
                return refused is null ? Results.Ok(views) : CaseHttp.Problem(refused);
            })
            .WithName($"List{view.Type.Name}")
            .WithSummary($"The district's {view.Type.Name} read models, newest first (at most {ListLimit})" +
                (view.Filters.Count > 0 ? $"; filtered by {string.Join(", ", view.Filters)}" : ""))
            .WithTags(kind.Name)
            .Produces(StatusCodes.Status200OK, typeof(IReadOnlyList<>).MakeGenericType(view.Type));
    }

    private static Dictionary<string, string> QueryValues(HttpContext http) =>
        http.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString(), StringComparer.Ordinal);

    private static string Pascal(string path) =>
        string.Concat(path.Split('/', '-').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p[1..]));
}

/// <summary>What <c>GET /kinds</c> says of a kind.</summary>
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
            kind.Commands.Select(c => new KindCommandInfo(c.Name, c.OpensCase ? $"/districts/{{district}}/{kind.Route}" : $"/districts/{{district}}/{kind.Route}/{{caseId}}/{c.Segment}", c.Summary)).ToList(),
            kind.EventNames.Values.ToList(), kind.MainView.Type.Name, kind.Queries.Select(q => $"/districts/{{district}}/{q.Path}").ToList());
    }
}

public sealed record KindCommandInfo(string Name, string Path, string Summary);
