using System.Net;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Runtime;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.WorkOrders;

/// <summary>
/// A city's rush hour: many promises fall due together. Each order's breach is recorded once, and each
/// records its own due time, however many fell due at once and however late they were noticed; and
/// the host polls for due checks often enough, and takes enough at a time, that the polling does not
/// set the pace.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_many_deadlines_fall_due_together
{
    /// <summary>Tuesday 4 March 2025, 17:00 in Shaoyang.</summary>
    private static readonly DateTimeOffset Five = new(2025, 3, 4, 17, 0, 0, TimeSpan.FromHours(8));

    private const int Orders = 12;

    private readonly Ledger _ledger;
    private readonly string _district;

    public when_many_deadlines_fall_due_together(Ledger ledger)
    {
        _ledger = ledger;
        _district = ledger.NewDistrict("rush");
        ledger.Clock.Set(Five);
    }

    private LedgerHost Host => _ledger.Host;

    private Task<Guid> ReportAsync(int i) => MeteringOrders.ReportAsync(Host, _district, i);

    [Fact]
    public async Task each_breach_is_recorded_once_with_its_own_due_time()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < Orders; i++)
        {
            // One order a minute: their contact promises fall due a minute apart.
            Host.Clock.Set(Five.AddMinutes(i));
            ids.Add(await ReportAsync(i));
        }

        Host.Clock.Set(Five.AddHours(1));
        var sweep = Host.Services.GetRequiredService<DeadlineSweep>();
        await sweep.SweepAsync(district: _district);
        await sweep.SweepAsync(district: _district);

        await using var session = Host.Store.QuerySession(_district);
        for (var i = 0; i < Orders; i++)
        {
            var events = (await session.Events.FetchStreamAsync(ids[i])).Select(e => e.Data).ToList();
            var set = events.OfType<DeadlineSet>().Single(d => d.Key == "contact");
            var breach = events.OfType<DeadlineBreached>().Single(b => b.Key == "contact");
            breach.DueAt.ShouldBe(set.DueAt, "a breach records its own deadline's due time");
            breach.DueAt.ShouldBe(Five.AddMinutes(i + 30));
            breach.NoticedAt.ShouldBe(Five.AddHours(1));
        }
    }

    [Fact]
    public void due_checks_are_polled_every_second_a_few_thousand_at_a_time()
    {
        var durability = Host.Services.GetRequiredService<IWolverineRuntime>().Options.Durability;
        durability.ScheduledJobPollingTime.ShouldBe(TimeSpan.FromSeconds(1));
        durability.RecoveryBatchSize.ShouldBeGreaterThanOrEqualTo(2000);
    }
}
