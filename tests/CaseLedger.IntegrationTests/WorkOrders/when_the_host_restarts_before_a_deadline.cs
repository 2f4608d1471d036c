using System.Net;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.WorkOrders;

/// <summary>
/// A breach is recorded at its due time by the check scheduled with the order, even though the host
/// that scheduled it stopped before then: a second host on the same database (its own, so the
/// suite's host never sees the check) runs it. The only real-time wait in the suite, kept to
/// seconds by a rule file whose promised contact time is a few seconds; the sweep is off, so only
/// the durable scheduled message can record the breach.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_the_host_restarts_before_a_deadline(Ledger ledger)
{
    private static readonly TimeSpan Promise = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task the_breach_is_recorded_at_its_due_time_by_the_host_that_started_after_it_was_scheduled()
    {
        var connection = await ledger.Server.CreateDatabaseAsync("restart");
        var settings = new Dictionary<string, string> { ["CaseLedger:RuleFiles:0"] = ShortPromises.Write(Promise), ["CaseLedger:Districts:0"] = "restart" };
        // The clock is the real time here: Wolverine runs a scheduled message when its time has come in real time.
        var reportedAt = DateTimeOffset.UtcNow;
        Guid id;
        DateTimeOffset due;
        await using (var first = await StartAsync(connection, seeds: false, now: reportedAt, settings))
        {
            var response = await first.Client.SendAsync(Request(HttpMethod.Post, "/districts/restart/work-orders",
                new { reporter = "user-1", category = "MeteringProblem", address = "12 Baoqing Road", description = "The meter runs", residentialCompound = false },
                actor: "hotline-operator-1", channel: "Hotline", role: Role.Clerk));
            response.StatusCode.ShouldBe(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
            id = (await ReadAsync<CommandOutcome>(response)).CaseId;
            due = (await EventsAsync(first, id)).OfType<DeadlineSet>().Single(d => d.Key == "contact").DueAt;
        }

        DateTimeOffset.UtcNow.ShouldBeLessThan(due, "the first host stopped before the contact was due");

        await using var second = await StartAsync(connection, seeds: false, now: due, settings);
        // Wolverine polls for scheduled messages every few seconds: wait for it, at most a minute.
        DeadlineBreached? breach = null;
        for (var waited = TimeSpan.Zero; breach is null && waited < TimeSpan.FromMinutes(1); waited += TimeSpan.FromMilliseconds(250))
        {
            await Task.Delay(250);
            breach = (await EventsAsync(second, id)).OfType<DeadlineBreached>().SingleOrDefault();
        }

        breach.ShouldNotBeNull("the check scheduled by the first host ran in the second");
        breach.DueAt.ShouldBe(due);
        breach.NoticedAt.ShouldBe(due, "recorded at the moment it fell due, by the second host's clock");
    }

    private static async Task<IReadOnlyList<object>> EventsAsync(LedgerHost host, Guid id)
    {
        await using var session = host.Store.QuerySession("restart");
        return (await session.Events.FetchStreamAsync(id)).Select(e => e.Data).ToList();
    }
}
