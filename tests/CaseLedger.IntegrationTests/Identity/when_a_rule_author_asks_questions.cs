using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Scenarios;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Identity;

// A rule author reads the rule book, runs scenario files in memory and asks what a proposed version
// would have changed in the recorded cases of the districts they are granted, writing nothing.
[Collection(LedgerCollection.Name)]
public sealed class when_a_rule_author_asks_questions(Ledger ledger)
{
    private const string Author = "rule-author-3";

    private static string SeedFile(string folder, string name) => File.ReadAllText(Path.Combine(RepositoryRoot(), "seeds", folder, name));

    /// <summary>The proposed co-funding versions, as a rule author would send the rule file (its comments aside).</summary>
    private static JsonObject Proposal() =>
        JsonNode.Parse(SeedFile("rules", "co-funding-proposed.json"), documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip })!
            .AsObject();

    private Task<HttpResponseMessage> AsAuthor(HttpMethod method, string url, object? body = null, IReadOnlyCollection<string>? districts = null) =>
        ledger.Client.SendAsync(Request(method, url, body, actor: Author, role: Role.RuleAuthor, districts: districts ?? [Ledger.SeededDistrict]));

    private async Task<long> EventsAsync()
    {
        await using var session = ledger.Store.QuerySession(Ledger.SeededDistrict);
        return await Marten.QueryableExtensions.CountAsync(session.Events.QueryAllRawEvents());
    }

    [Fact]
    public async Task the_rule_book_lists_each_rules_versions_and_clauses()
    {
        var rules = await ReadAsync<JsonElement>(await AsAuthor(HttpMethod.Get, "/rules"));

        var vote = rules.EnumerateArray().Single(r => r.GetProperty("id").GetString() == "renovation-vote");
        vote.GetProperty("versions").GetArrayLength().ShouldBeGreaterThanOrEqualTo(2);
        vote.GetProperty("clauses").EnumerateArray().Select(c => c.GetProperty("id").GetString()).ShouldContain("renovation-vote.consent.area");
    }

    [Fact]
    public async Task a_scenario_file_runs_in_memory_with_its_proposed_versions_and_writes_nothing()
    {
        var before = await EventsAsync();
        var proposal = Proposal();
        var file = SeedFile("scenarios", "co-funding-proposed.yaml");

        var response = await AsAuthor(HttpMethod.Post, "/scenarios/runs", new ScenarioRunRequest(file, proposal));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await ReadAsync<ScenarioRunReport>(response);
        report.Scenarios.ShouldNotBeEmpty();
        report.Scenarios.Where(s => !s.Passed).Select(s => $"{s.Name}: {string.Join("; ", s.Differences)}").ShouldBeEmpty();
        report.Coverage.ShouldAllBe(c => c.Kind == "co-funding-award");
        (await EventsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task a_malformed_scenario_file_is_a_problem_naming_the_line()
    {
        var response = await AsAuthor(HttpMethod.Post, "/scenarios/runs", new ScenarioRunRequest("topic: t\nkind: renovation-vote\nscenarios:\n  - name: n\n    givne: {}\n"));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("scenario.format");
        problem.GetProperty("line").GetInt32().ShouldBe(5);
    }

    /// <summary>About 550 bytes whose aliases of aliases stand for nine to the ninth values ("billion laughs").</summary>
    public const string NestedAliases = """
        topic: Laughs
        kind: renovation-vote
        rule: renovation-vote@2
        scenarios:
          - name: laughs
            given:
              a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]
              b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
              c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
              d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
              e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
              f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
              g: &g [*f, *f, *f, *f, *f, *f, *f, *f, *f]
              h: &h [*g, *g, *g, *g, *g, *g, *g, *g, *g]
              i: &i [*h, *h, *h, *h, *h, *h, *h, *h, *h]
            when: { close: at end }
            then: { outcome: passed }
        """;

    [Fact]
    public async Task a_scenario_file_whose_aliases_nest_into_billions_of_values_is_a_problem_and_runs_nothing()
    {
        var response = await AsAuthor(HttpMethod.Post, "/scenarios/runs", new ScenarioRunRequest(NestedAliases));

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        var problem = await ReadAsync<JsonElement>(response);
        problem.GetProperty("code").GetString().ShouldBe("scenario.format");
        problem.GetProperty("detail").GetString()!.ShouldContain($"more than {InputLimits.ScenarioValues:N0} values once its aliases are expanded");
        problem.GetProperty("line").GetInt32().ShouldBe(12);
    }

    [Fact]
    public async Task what_if_replays_the_granted_districts_cases_under_a_proposal_read_only()
    {
        var before = await EventsAsync();
        var proposal = Proposal();

        var response = await AsAuthor(HttpMethod.Post, "/rules/what-if", new WhatIfRequest("co-funding@2-proposed", proposal));

        response.StatusCode.ShouldBe(HttpStatusCode.OK);
        var report = await ReadAsync<WhatIfReport>(response);
        report.Districts.ShouldBe([Ledger.SeededDistrict]);
        report.CasesExamined.ShouldBe(3);
        report.HasAmounts.ShouldBeTrue();
        (await EventsAsync()).ShouldBe(before);
    }

    [Fact]
    public async Task what_if_in_a_district_not_granted_or_by_a_clerk_is_refused()
    {
        var elsewhere = await AsAuthor(HttpMethod.Post, "/rules/what-if", new WhatIfRequest("co-funding@1", Districts: ["another-district"]));
        var clerk = await ledger.Client.SendAsync(Request(HttpMethod.Post, "/rules/what-if", new WhatIfRequest("co-funding@1"), districts: [Ledger.SeededDistrict]));
        var unknown = await AsAuthor(HttpMethod.Post, "/rules/what-if", new WhatIfRequest("co-funding@99"));

        elsewhere.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        clerk.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        unknown.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<JsonElement>(unknown)).GetProperty("code").GetString().ShouldBe("rule.unknown");
    }
}
