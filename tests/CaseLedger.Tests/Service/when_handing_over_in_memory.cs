using CaseLedger.Cases.WorkOrders;
using CaseLedger.Core;
using CaseLedger.Core.Service;
using CaseLedger.Hosting;

namespace CaseLedger.Tests.Service;

/// <summary>The core's case-wide commands through the in-memory ledger: the same pipeline as the store, for scenarios and replays.</summary>
public sealed class when_handing_over_in_memory
{
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly Guid Order = Guid.Parse("0195a000-0000-7000-8000-00000000beef");
    private static readonly Acting Clerk = new("hall-clerk-5", Channel.ServiceWindow, Role.Clerk);

    private static async Task<InMemoryLedger> OrderedAsync()
    {
        var kinds = StandardKinds.Create();
        var ledger = new InMemoryLedger(kinds, kinds.DefaultRules());
        var opened = await ledger.ExecuteAsync(new CommandRequest("yuelu", Order,
            new ReportWorkOrder("user-1", WorkOrderCategory.MeteringProblem, "12 Baoqing Road", "The meter runs", false), Clerk) { At = Nine });
        opened.IsAccepted.ShouldBeTrue(opened.Rejection?.Reason);
        return ledger;
    }

    [Fact]
    public async Task a_hand_over_and_a_complaint_are_appended_to_the_case_and_kept_in_its_service_record()
    {
        var ledger = await OrderedAsync();

        var handed = await ledger.ExecuteAsync(new CommandRequest("yuelu", Order,
            new HandOverCase(ServiceLevel.TownshipCentre, "Juzizhou street centre", ServiceLevel.DistrictCentre, "District centre", "Needs the team"), Clerk)
            { At = Nine.AddMinutes(1) });
        var complained = await ledger.ExecuteAsync(new CommandRequest("yuelu", Order, new RecordComplaint("user-1", "Nobody came"), Clerk)
            { At = Nine.AddDays(1) });

        handed.Appended.ShouldBe(["service.handed_over.v1"]);
        complained.Appended.ShouldBe(["service.complaint_recorded.v1"]);
        var events = ledger.Events("yuelu", Order);
        events[^1].OnBehalfOf.ShouldBe("user-1", "a clerk records a complaint on the complainant's behalf");
        var record = ledger.Document<CaseService>("yuelu", Order.ToString())!;
        record.Kind.ShouldBe(WorkOrderKind.KindName);
        record.AcceptedAt.ShouldBe(ServiceLevel.TownshipCentre);
        record.Complaints.ShouldHaveSingleItem().Text.ShouldBe("Nobody came");
        record.Deadlines.All.Select(d => d.Key).ShouldBe(["contact", "on-site"], "the record keeps the case's deadlines too");
    }

    [Fact]
    public async Task a_resident_may_not_hand_over_and_an_unknown_case_is_not_found()
    {
        var ledger = await OrderedAsync();
        var handOver = new HandOverCase(ServiceLevel.VillageStation, "Station", ServiceLevel.DistrictCentre, "Centre", "Reason");
        var before = ledger.Events("yuelu", Order).Count;

        (await ledger.ExecuteAsync(new CommandRequest("yuelu", Order, handOver, new Acting("user-1", Channel.OnlinePlatform, Role.Resident)) { At = Nine }))
            .Rejection!.Code.ShouldBe("auth.role_not_allowed");
        (await ledger.ExecuteAsync(new CommandRequest("yuelu", Guid.NewGuid(), handOver, Clerk) { At = Nine })).Rejection!.Code.ShouldBe("case.not_found");
        ledger.Events("yuelu", Order).Count.ShouldBe(before, "a refusal appends nothing");
    }
}
