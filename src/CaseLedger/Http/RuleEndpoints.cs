using System.ComponentModel.DataAnnotations;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Http.Identity;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;

namespace CaseLedger.Http;

/// <summary>A rule as <c>GET /rules</c> shows it: its versions and the clauses its decisions record.</summary>
public sealed record RuleInfo(string Id, IReadOnlyList<RuleVersion> Versions, IReadOnlyList<ClauseInfo> Clauses);

/// <summary>
/// A what-if question: the proposed version (<c>id@version</c>), the rule document that holds it when
/// it is not in the rule book yet (the format of a rule file), the districts to replay (all the
/// caller's, when none is named) and the time range the cases were opened in. Each but the rule may be
/// left out, and then means all: all the caller's districts, all times.
/// </summary>
public sealed record WhatIfRequest([property: MaxLength(InputLimits.Name)] string Rule, JsonObject? Proposal = null,
    [property: MaxLength(InputLimits.Districts)] IReadOnlyList<string>? Districts = null, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>A scenario file to run in memory (its YAML text), with a rule document of proposed versions it may name.</summary>
public sealed record ScenarioRunRequest([property: MaxLength(RuleEndpoints.MaxTextLength)] string File, JsonObject? Proposal = null);

/// <summary>One scenario's result: where it stands in the file, whether it passed, and how it differed.</summary>
public sealed record ScenarioRunResult(string Name, int Line, bool Passed, IReadOnlyList<string> Differences);

/// <summary>A scenario file's results and how its when-steps covered the rules' clauses.</summary>
public sealed record ScenarioRunReport(string Topic, IReadOnlyList<ScenarioRunResult> Scenarios, IReadOnlyList<ClauseCoverage> Coverage);

/// <summary>
/// What rule authors use over HTTP, read-only: the rule book, scenario files run in memory (no
/// case is written), and what-if replays of the recorded cases of the districts they are granted
/// under a proposed rule version.
/// </summary>
internal static class RuleEndpoints
{
    /// <summary>The largest scenario file or proposal accepted, in characters.</summary>
    public const int MaxTextLength = 1_000_000;

    private static readonly ApiProblem ScenarioFormat = new(StatusCodes.Status400BadRequest, "scenario.format");
    private static readonly ApiProblem RuleUnknown = new(StatusCodes.Status400BadRequest, "rule.unknown");
    private static readonly ApiProblem NotReplayable = new(StatusCodes.Status400BadRequest, "rule.not_replayable");
    private static readonly ApiProblem ProposalTooLong = new(StatusCodes.Status400BadRequest, "rule.proposal_too_long");
    private static readonly ApiProblem ProposalInvalid = new(StatusCodes.Status400BadRequest, "rule.proposal_invalid");

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapGet("/rules", ([FromServices] RuleBook rules) =>
                Results.Ok(rules.All.GroupBy(v => v.Id).OrderBy(g => g.Key, StringComparer.Ordinal)
                    .Select(g => new RuleInfo(g.Key, g.OrderBy(v => v.EffectiveFrom).ToList(), rules.ClausesOf(g.Key))).ToList()))
            .WithName("ListRules").WithSummary("The rule book: every rule's versions, with their parameters, and the clauses decisions record")
            .WithTags("rules")
            .RequireAuthorization(IdentitySetup.For(Role.RuleAuthor, Role.Auditor, Role.Clerk, Role.Administrator))
            .Produces<IReadOnlyList<RuleInfo>>();

        app.MapPost("/scenarios/runs", async ([FromServices] CaseKinds kinds, [FromServices] RuleBook rules, HttpContext http) =>
            {
                // The file's length is held to MaxTextLength as it is read (its member's limit).
                var (request, _, refused) = await CaseHttp.ReadBodyAsync<ScenarioRunRequest>(http, InputLimits.LargeBodyBytes);
                if (refused is not null)
                {
                    return refused;
                }

                var (book, badProposal) = WithProposal(kinds, rules, request!.Proposal);
                if (badProposal is not null)
                {
                    return badProposal;
                }

                try
                {
                    var file = ScenarioFile.Parse("request.yaml", request.File);
                    var runner = new ScenarioRunner(new ScenarioEngine(kinds), book!);
                    var results = new List<ScenarioResult>();
                    foreach (var scenario in file.Scenarios)
                    {
                        results.Add(await runner.RunAsync(scenario, http.RequestAborted));
                    }

                    return Results.Ok(new ScenarioRunReport(file.Topic,
                        results.Select(r => new ScenarioRunResult(r.Scenario.Name, r.Scenario.Line, r.Passed, r.Differences)).ToList(),
                        Scenarios.Coverage.Of(kinds, book!, results).Where(c => results.Any(r => r.Scenario.Kind == c.Kind)).ToList()));
                }
                catch (ScenarioFormatException e)
                {
                    return CaseHttp.Problem(ScenarioFormat, e.Problem,
                        new Dictionary<string, object?> { ["line"] = e.Line });
                }
            })
            .WithName("RunScenarios").WithSummary("Run a scenario file in memory against the rule book (and proposed versions): nothing is written")
            .WithTags("rules")
            .RequireAuthorization(IdentitySetup.For(Role.RuleAuthor, Role.Administrator))
            .Accepts<ScenarioRunRequest>("application/json")
            .Produces<ScenarioRunReport>()
            .WithMetadata(new ProblemsAttribute([ScenarioFormat, ProposalTooLong, ProposalInvalid]));

        app.MapPost("/rules/what-if", async ([FromServices] CaseKinds kinds, [FromServices] RuleBook rules, [FromServices] IDocumentStore store,
                [FromServices] DistrictRegistry registry, HttpContext http) =>
            {
                var (request, _, refused) = await CaseHttp.ReadBodyAsync<WhatIfRequest>(http, InputLimits.LargeBodyBytes);
                if (refused is not null)
                {
                    return refused;
                }

                var (book, badProposal) = WithProposal(kinds, rules, request!.Proposal);
                if (badProposal is not null)
                {
                    return badProposal;
                }

                if (request.Rule.Split('@', 2) is not [var id, var version] || book!.All.FirstOrDefault(v => v.Id == id && v.Version == version) is not { } proposed)
                {
                    return CaseHttp.Problem(RuleUnknown,
                        $"'{request.Rule}' is not a version in the rule book or the proposal: write id@version, e.g. co-funding@2-proposed.");
                }

                var granted = CaseLedgerClaims.DistrictsOf(http.User);
                var districts = request.Districts is { Count: > 0 } named ? named.ToList() : granted.ToList();
                foreach (var district in districts)
                {
                    if (await CaseHttp.CheckAccessAsync(http, district) is { } denied)
                    {
                        return denied;
                    }
                }

                try
                {
                    return Results.Ok(await WhatIf.RunAsync(store, new ScenarioEngine(kinds), book, proposed, districts, request.From, request.To,
                        http.RequestAborted));
                }
                catch (ArgumentException e)
                {
                    return CaseHttp.Problem(NotReplayable, e.Message);
                }
            })
            .WithName("WhatIf").WithSummary("Replay the recorded cases of your districts under a proposed rule version, read-only, and say what would change")
            .WithTags("rules")
            .RequireAuthorization(IdentitySetup.For(Role.RuleAuthor, Role.Administrator))
            .Accepts<WhatIfRequest>("application/json")
            .Produces<WhatIfReport>()
            // The districts asked about are checked as a route's district is.
            .WithMetadata(new ProblemsAttribute([ProposalTooLong, ProposalInvalid, RuleUnknown, NotReplayable,
                ApiProblems.DistrictInvalid, ApiProblems.DistrictNotGranted, ApiProblems.DistrictUnknown]));
    }

    /// <summary>The rule book with the versions of a proposal (a rule document) added; a problem when the proposal is not one.</summary>
    private static (RuleBook? Rules, IResult? Refused) WithProposal(CaseKinds kinds, RuleBook rules, JsonObject? proposal)
    {
        if (proposal is null)
        {
            return (rules, null);
        }

        var text = proposal.ToJsonString();
        if (text.Length > MaxTextLength)
        {
            return (null, CaseHttp.Problem(ProposalTooLong, $"A proposal is at most {MaxTextLength} characters."));
        }

        try
        {
            var builder = kinds.RulesBuilder();
            foreach (var version in rules.All)
            {
                builder.Add(version);
            }

            return (builder.AddJson(text, "proposal").Build(), null);
        }
        catch (RuleBookException e)
        {
            return (null, CaseHttp.Problem(ProposalInvalid, e.Message));
        }
    }
}
