using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>
/// Every time an answer holds is in the district's civil time (+08:00), whether the step was recorded
/// in UTC or given with another offset: a kind's read model and the audit trail alike.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_times_are_answered(Ledger ledger) : IAsyncLifetime
{
    private static readonly DateTimeOffset OpenedInUtc = Votes.Start.ToUniversalTime();

    private readonly string _district = ledger.NewDistrict("civil");
    private readonly Guid _vote = Guid.NewGuid();

    public Task InitializeAsync() => SampleCases.RunAsync(ledger, _district, _vote, Votes.Open(OpenedInUtc), OpenedInUtc, SampleCases.Clerk);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task a_read_model_and_the_audit_trail_give_their_times_at_plus_eight()
    {
        var vote = await ReadAsync<JsonElement>(await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes/{_vote}"));
        var trail = await ReadAsync<JsonElement>(await ledger.Client.GetAsync($"/audit/entries?district={_district}"));

        var opened = vote.GetProperty("openedAt");
        var recorded = trail.GetProperty("entries")[0].GetProperty("time");
        opened.GetString()!.ShouldEndWith("+08:00");
        recorded.GetString()!.ShouldEndWith("+08:00");
        opened.GetDateTimeOffset().ShouldBe(OpenedInUtc);
        // (The trail's time is when the step was recorded: now, not when the vote says it opened.)
        recorded.GetDateTimeOffset().ShouldBeGreaterThan(OpenedInUtc);
    }
}
