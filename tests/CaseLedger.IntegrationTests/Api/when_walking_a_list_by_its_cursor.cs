using System.Net;
using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>
/// Lists and the audit trail are walked a page at a time by the cursor in each page's <c>next</c> link;
/// cases and entries appended between two pages neither repeat an item of the walk nor make it skip one.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_walking_a_list_by_its_cursor(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrict("walk");
    private readonly List<Guid> _before = [];

    public async Task InitializeAsync()
    {
        // Seven votes, four of them opened at the same instant, so the walk's tie-breaker (the id) is what orders them.
        for (var i = 0; i < 7; i++)
        {
            _before.Add(await OpenVoteAsync(Votes.Start.AddMinutes(i < 4 ? 0 : i)));
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<Guid> OpenVoteAsync(DateTimeOffset at)
    {
        var id = Guid.NewGuid();
        await SampleCases.RunAsync(ledger, _district, id, Votes.Open(at), at, SampleCases.Clerk);
        return id;
    }

    private static async Task<JsonElement> PageAsync(HttpResponseMessage response)
    {
        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        return await ReadAsync<JsonElement>(response);
    }

    [Fact]
    public async Task a_list_walked_two_at_a_time_while_cases_are_opened_shows_each_case_once_newest_first()
    {
        var seen = new List<(Guid Id, DateTimeOffset OpenedAt)>();
        var appended = new List<Guid>();
        var next = $"/districts/{_district}/renovation-votes?compoundId=compound-1&limit=2";
        var pages = 0;
        while (next is not null)
        {
            var page = await PageAsync(await ledger.Client.GetAsync(next));
            var items = page.GetProperty("items").EnumerateArray().ToList();
            items.Count.ShouldBeLessThanOrEqualTo(2);
            seen.AddRange(items.Select(t => (t.GetProperty("id").GetGuid(), t.GetProperty("openedAt").GetDateTimeOffset())));
            next = page.GetProperty("next").GetString();
            if (next is not null)
            {
                next.ShouldContain("compoundId=compound-1");
                next.ShouldContain("limit=2");
                page.GetProperty("cursor").GetString().ShouldNotBeNullOrEmpty();
            }

            // Between pages, a newer case and one at the instant the walk started from: the walk goes on where it was.
            appended.Add(await OpenVoteAsync(Votes.Start.AddHours(1 + pages)));
            appended.Add(await OpenVoteAsync(Votes.Start));
            pages++;
        }

        pages.ShouldBeGreaterThanOrEqualTo(4);
        seen.Select(s => s.Id).ShouldBeUnique();
        seen.Select(s => s.Id).Intersect(_before).Count().ShouldBe(_before.Count);
        seen.Select(s => s.OpenedAt).ShouldBeInOrder(SortDirection.Descending);
        // Nothing newer than the first page's items is taken into a walk that has passed them.
        seen.Select(s => s.Id).ShouldNotContain(appended[0]);
    }

    private async Task<long> CountEntriesAsync() =>
        (await PageAsync(await ledger.Client.GetAsync($"/audit/entries?district={_district}&limit=1&count=exact"))).GetProperty("count").GetProperty("value").GetInt64();

    [Fact]
    public async Task the_audit_trail_walked_by_cursor_while_entries_are_appended_shows_each_entry_once()
    {
        var before = await CountEntriesAsync();
        var seen = new List<long>();
        var next = $"/audit/entries?district={_district}&limit=3";
        while (next is not null)
        {
            var page = await PageAsync(await ledger.Client.GetAsync(next));
            seen.AddRange(page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            next = page.GetProperty("next").GetString();
            await OpenVoteAsync(Votes.Start.AddDays(1));
        }

        seen.ShouldBeUnique();
        seen.ShouldBeInOrder(SortDirection.Descending);
        // The entries there before the walk, each once: those appended after it began were newer than where it stood.
        seen.Count.ShouldBe((int)before);
    }

    [Fact]
    public async Task the_trail_walked_oldest_first_takes_in_what_is_appended_behind_it()
    {
        var seen = new List<long>();
        var next = $"/audit/entries?district={_district}&order=oldest&limit=4";
        var appended = 0;
        while (next is not null)
        {
            var page = await PageAsync(await ledger.Client.GetAsync(next));
            seen.AddRange(page.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("sequence").GetInt64()));
            next = page.GetProperty("next").GetString();
            if (next is not null && appended < 2)
            {
                await OpenVoteAsync(Votes.Start.AddDays(2));
                appended++;
            }
        }

        appended.ShouldBeGreaterThan(0);
        seen.ShouldBeUnique();
        seen.ShouldBeInOrder(SortDirection.Ascending);
        // Walking towards the newest, the walk reaches what was appended meanwhile: every entry, each once.
        seen.Count.ShouldBe((int)await CountEntriesAsync());
    }

    [Fact]
    public async Task a_count_is_given_only_when_asked_exact_or_labelled_an_estimate()
    {
        var plain = await PageAsync(await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes?limit=1"));
        var exact = await PageAsync(await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes?limit=1&count=exact"));
        var estimate = await PageAsync(await ledger.Client.GetAsync($"/audit/entries?district={_district}&limit=1&count=estimate"));

        (!plain.TryGetProperty("count", out var none) || none.ValueKind == JsonValueKind.Null).ShouldBeTrue();
        exact.GetProperty("count").GetProperty("value").GetInt64().ShouldBe(_before.Count);
        exact.GetProperty("count").GetProperty("estimated").GetBoolean().ShouldBeFalse();
        estimate.GetProperty("count").GetProperty("estimated").GetBoolean().ShouldBeTrue();
        estimate.GetProperty("count").GetProperty("value").GetInt64().ShouldBeGreaterThanOrEqualTo(0);
        // The next link does not ask for the count again.
        exact.GetProperty("next").GetString()!.ShouldNotContain("count=");
    }

    [Theory]
    [InlineData("cursor=x")]
    [InlineData("cursor=%21%21")]
    [InlineData("cursor=")]
    [InlineData("cursor=W10")] // []
    [InlineData("cursor=WyJWb3RlVGFsbHkiLCJ5ZXN0ZXJkYXkiLCJub3QtYW4taWQiXQ")] // ["VoteTally","yesterday","not-an-id"]
    [InlineData("cursor=WyJhdWRpdCIsIjEyIl0")] // ["audit","12"]: the trail's, not this list's
    public async Task a_cursor_the_list_did_not_give_is_a_problem_not_a_failure(string query)
    {
        var response = await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe(CaseLedger.Http.ApiProblems.CursorInvalid.Code);
    }

    [Theory]
    [InlineData("limit=0", "query.limit_invalid")]
    [InlineData("limit=201", "query.limit_invalid")]
    [InlineData("limit=two", "query.limit_invalid")]
    [InlineData("count=roughly", "query.count_invalid")]
    public async Task a_limit_beyond_the_lists_maximum_or_an_unknown_count_is_refused(string query, string code)
    {
        var response = await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe(code);
    }

    [Fact]
    public async Task the_cases_of_a_district_are_walked_by_cursor_too()
    {
        var seen = new List<Guid>();
        for (var next = $"/districts/{_district}/cases?limit=3"; next is not null;)
        {
            var page = await PageAsync(await ledger.Client.GetAsync(next));
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("caseId").GetGuid()));
            next = page.GetProperty("next").GetString();
        }

        seen.ShouldBe(Enumerable.Reverse(_before).ToList());
    }
}
