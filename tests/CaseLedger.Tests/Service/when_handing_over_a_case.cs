using CaseLedger.Core;
using CaseLedger.Core.Service;

namespace CaseLedger.Tests.Service;

/// <summary>The core's hand-over decision and the service record it folds into, for a case of any kind.</summary>
public sealed class when_handing_over_a_case
{
    private static readonly Guid Case = Guid.Parse("0193a3e4-0000-7000-8000-000000000001");
    private static readonly DateTimeOffset Ten = new(2026, 11, 2, 10, 0, 0, TimeSpan.FromHours(8));

    private static HandOverCase Up(ServiceLevel from, ServiceLevel to) => new(from, "Xiangyang station", to, "District centre", "Needs the centre's seal");

    private static CaseService Opened() => new() { Id = Case, Kind = "certificate" };

    [Fact]
    public void the_first_hand_over_says_where_the_case_was_accepted_and_the_last_where_it_is()
    {
        var first = HandingOver.Decide(Up(ServiceLevel.VillageStation, ServiceLevel.TownshipCentre), Opened(), Case, "certificate", Ten);
        var service = CaseService.Fold(Opened(), Case, first.Events.ShouldHaveSingleItem(), _ => null)!;
        var second = HandingOver.Decide(Up(ServiceLevel.TownshipCentre, ServiceLevel.DistrictCentre), service, Case, "certificate", Ten.AddDays(1));
        service = CaseService.Fold(service, Case, second.Events.ShouldHaveSingleItem(), _ => null)!;

        service.AcceptedAt.ShouldBe(ServiceLevel.VillageStation);
        service.Level.ShouldBe(ServiceLevel.DistrictCentre);
        service.HandOvers.Count.ShouldBe(2);
        service.Kind.ShouldBe("certificate");
    }

    [Fact]
    public void a_case_never_handed_over_was_accepted_at_the_district_centre()
    {
        Opened().AcceptedAt.ShouldBe(ServiceLevel.DistrictCentre);
    }

    [Fact]
    public void a_hand_over_down_or_sideways_is_refused()
    {
        HandingOver.Decide(Up(ServiceLevel.DistrictCentre, ServiceLevel.TownshipCentre), Opened(), Case, "certificate", Ten)
            .Rejection!.Code.ShouldBe("hand_over.not_upward");
        HandingOver.Decide(Up(ServiceLevel.TownshipCentre, ServiceLevel.TownshipCentre), Opened(), Case, "certificate", Ten)
            .Rejection!.Code.ShouldBe("hand_over.not_upward");
    }

    [Fact]
    public void a_hand_over_from_a_level_the_case_has_left_is_refused()
    {
        var service = Opened() with { HandOvers = [new HandOver(ServiceLevel.VillageStation, "a", ServiceLevel.DistrictCentre, "b", "c", Ten)], Level = ServiceLevel.DistrictCentre };

        HandingOver.Decide(Up(ServiceLevel.VillageStation, ServiceLevel.TownshipCentre), service, Case, "certificate", Ten)
            .Rejection!.Code.ShouldBe("hand_over.not_at_level");
    }

    [Theory]
    [InlineData("", "District centre", "reason")]
    [InlineData("Station", "  ", "reason")]
    [InlineData("Station", "District centre", "")]
    public void a_hand_over_without_its_offices_or_reason_is_refused(string from, string to, string reason)
    {
        HandingOver.Decide(new HandOverCase(ServiceLevel.VillageStation, from, ServiceLevel.DistrictCentre, to, reason), null, Case, "certificate", Ten)
            .Rejection!.Code.ShouldBe("hand_over.text_invalid");
    }

    [Fact]
    public void a_complaint_is_recorded_with_the_complainant_and_trimmed_text()
    {
        var decided = RecordingAComplaint.Decide(new RecordComplaint(" user-0001 ", " Nobody came "), Case, "work-order", Ten);

        decided.Events.ShouldHaveSingleItem().ShouldBe(new ComplaintRecorded(Case, "work-order", "user-0001", "Nobody came", Ten));
        RecordingAComplaint.Decide(new RecordComplaint("user-0001", new string('x', RecordingAComplaint.MaxComplaintLength + 1)), Case, "work-order", Ten)
            .Rejection!.Code.ShouldBe("complaint.text_invalid");
    }
}
