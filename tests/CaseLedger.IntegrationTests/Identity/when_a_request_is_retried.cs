using System.Net;
using System.Text.Json;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Identity;

// Exactly-once commands: a retried request with the same Idempotency-Key returns the original
// response and appends nothing; the key with another request is refused; a key still in flight
// gets a conflict; a client that chooses its new case's id can never open it twice.
[Collection(LedgerCollection.Name)]
public sealed class when_a_request_is_retried(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrict("retry");

    private static object OpenBody(string description = "Roof") => new
    {
        compoundId = "compound-1", compoundName = "Test Compound", proposal = new { description, amount = 120_000m },
        roll = Votes.SixUnits().Select(u => new { unitId = u.UnitId, ownerId = u.OwnerId, area = u.Area }),
        opensAt = Votes.Start, closesAt = Votes.Start.AddDays(7),
    };

    private Task<HttpResponseMessage> OpenAsync(string? key, object? body = null)
    {
        var request = Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", body ?? OpenBody());
        if (key is not null)
        {
            request.Headers.Add(IdempotentRequests.Header, key);
        }

        return ledger.Client.SendAsync(request);
    }

    private async Task<int> VotesAsync() =>
        (await ReadItemsAsync<VoteTally>(await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes"))).Count;

    private async Task<long> EventsAsync()
    {
        await using var session = ledger.Store.QuerySession(_district);
        return await Marten.QueryableExtensions.CountAsync(session.Events.QueryAllRawEvents());
    }

    [Fact]
    public async Task the_same_key_and_body_return_the_first_response_and_append_once()
    {
        ledger.Clock.Set(Votes.Start);
        var key = Guid.NewGuid().ToString();

        var first = await OpenAsync(key);
        var retry = await OpenAsync(key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.StatusCode.ShouldBe(HttpStatusCode.Created);
        retry.Headers.Location.ShouldBe(first.Headers.Location);
        retry.Headers.ETag.ShouldBe(first.Headers.ETag);
        retry.Headers.GetValues(IdempotentRequests.ReplayedHeader).ShouldBe(["true"]);
        (await ReadAsync<CommandOutcome>(retry)).CaseId.ShouldBe((await ReadAsync<CommandOutcome>(first)).CaseId);
        (await VotesAsync()).ShouldBe(1);
        (await EventsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task without_a_key_a_retry_opens_a_second_case()
    {
        ledger.Clock.Set(Votes.Start);

        await OpenAsync(null);
        await OpenAsync(null);

        (await VotesAsync()).ShouldBe(2, "which is why clients send a key, or choose the case's id");
    }

    [Fact]
    public async Task the_same_key_with_a_different_body_is_refused_and_appends_nothing()
    {
        ledger.Clock.Set(Votes.Start);
        var key = Guid.NewGuid().ToString();
        await OpenAsync(key);

        var other = await OpenAsync(key, OpenBody("Lifts"));

        other.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        (await ReadAsync<JsonElement>(other)).GetProperty("code").GetString().ShouldBe("idempotency.key_reused");
        (await EventsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task a_key_still_in_flight_gets_a_conflict()
    {
        ledger.Clock.Set(Votes.Start);
        var key = Guid.NewGuid().ToString();
        var first = await OpenAsync(key);
        // The first request's record, put back as it stands while that request is still running.
        await using (var session = ledger.Store.LightweightSession(_district))
        {
            var record = await session.LoadAsync<IdempotencyRecord>(key);
            session.Store(record! with { Outcome = null, CompletedAt = null, ClaimedAt = DateTimeOffset.UtcNow });
            await session.SaveChangesAsync();
        }

        var second = await OpenAsync(key);

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        second.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ReadAsync<JsonElement>(second)).GetProperty("code").GetString().ShouldBe("idempotency.in_flight");
        (await EventsAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task a_refused_command_is_refused_the_same_way_on_retry()
    {
        ledger.Clock.Set(Votes.Start);
        var key = Guid.NewGuid().ToString();
        var badRoll = new
        {
            compoundId = "compound-1", compoundName = "Test Compound", proposal = new { description = "Roof", amount = 120_000m },
            roll = Array.Empty<object>(), opensAt = Votes.Start, closesAt = Votes.Start.AddDays(7),
        };

        var first = await OpenAsync(key, badRoll);
        var retry = await OpenAsync(key, badRoll);

        ((int)first.StatusCode).ShouldBeGreaterThanOrEqualTo(400);
        retry.StatusCode.ShouldBe(first.StatusCode);
        (await retry.Content.ReadAsStringAsync()).ShouldContain((await ReadAsync<JsonElement>(first)).GetProperty("code").GetString()!);
        (await EventsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_key_is_kept_per_district()
    {
        ledger.Clock.Set(Votes.Start);
        var key = Guid.NewGuid().ToString();
        var elsewhere = ledger.NewDistrict("retry-b");
        await OpenAsync(key);

        var there = await ledger.Client.SendAsync(WithKey(Request(HttpMethod.Post, $"/districts/{elsewhere}/renovation-votes", OpenBody()), key));

        there.StatusCode.ShouldBe(HttpStatusCode.Created);
        there.Headers.Contains(IdempotentRequests.ReplayedHeader).ShouldBeFalse();
    }

    [Theory]
    [InlineData("")]
    [InlineData("a\u0001b")]
    public async Task a_malformed_key_is_refused(string key)
    {
        ledger.Clock.Set(Votes.Start);
        var request = Request(HttpMethod.Post, $"/districts/{_district}/renovation-votes", OpenBody());
        request.Headers.TryAddWithoutValidation(IdempotentRequests.Header, key);

        var response = await ledger.Client.SendAsync(request);

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe("idempotency.key_invalid");
        (await EventsAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task a_case_opened_under_an_id_the_client_chose_is_never_opened_twice()
    {
        ledger.Clock.Set(Votes.Start);
        var id = Guid.NewGuid();

        var first = await ledger.Client.SendAsync(Request(HttpMethod.Put, $"/districts/{_district}/renovation-votes/{id}", OpenBody()));
        var retry = await ledger.Client.SendAsync(Request(HttpMethod.Put, $"/districts/{_district}/renovation-votes/{id}", OpenBody()));

        first.StatusCode.ShouldBe(HttpStatusCode.Created);
        first.Headers.Location!.OriginalString.ShouldBe($"/districts/{_district}/renovation-votes/{id}");
        retry.StatusCode.ShouldBe(HttpStatusCode.Conflict);
        (await ReadAsync<JsonElement>(retry)).GetProperty("code").GetString().ShouldBe("case.already_exists");
        (await VotesAsync()).ShouldBe(1);
    }

    [Fact]
    public async Task a_key_older_than_the_retention_window_is_forgotten_and_runs_afresh()
    {
        ledger.Clock.Set(Votes.Start);
        var key = Guid.NewGuid().ToString();
        await OpenAsync(key);
        var services = ledger.Host.Services;
        var retention = services.GetRequiredService<IdempotencyRetention>();

        await Hosting.IdempotencyKeys.ForgetExpiredAsync(ledger.Store, services.GetRequiredService<Hosting.DistrictRegistry>(), retention,
            ledger.Clock.GetUtcNow() + retention.Window - TimeSpan.FromMinutes(1));
        var kept = await OpenAsync(key);
        await Hosting.IdempotencyKeys.ForgetExpiredAsync(ledger.Store, services.GetRequiredService<Hosting.DistrictRegistry>(), retention,
            ledger.Clock.GetUtcNow() + retention.Window + TimeSpan.FromMinutes(1));
        var afresh = await OpenAsync(key);

        retention.Window.ShouldBe(TimeSpan.FromHours(24));
        kept.StatusCode.ShouldBe(HttpStatusCode.Created, await kept.Content.ReadAsStringAsync());
        kept.Headers.Contains(IdempotentRequests.ReplayedHeader).ShouldBeTrue();
        afresh.Headers.Contains(IdempotentRequests.ReplayedHeader).ShouldBeFalse();
        (await VotesAsync()).ShouldBe(2);
    }

    private static HttpRequestMessage WithKey(HttpRequestMessage request, string key)
    {
        request.Headers.Add(IdempotentRequests.Header, key);
        return request;
    }
}
