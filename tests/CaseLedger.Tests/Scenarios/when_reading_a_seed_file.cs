using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Scenarios;

public sealed class when_reading_a_seed_file
{
    private static readonly CaseKinds Kinds = StandardKinds.Create();

    private static SeedCase Vote(params (string Command, string At, string? Body)[] steps) => new("renovation-vote", Guid.NewGuid(),
        steps.Select(s => new SeedStep(s.Command, DateTimeOffset.Parse(s.At, System.Globalization.CultureInfo.InvariantCulture),
            new SeedActing("clerk-1", Channel.ServiceWindow, Role.Clerk), s.Body is null ? null : JsonDocument.Parse(s.Body).RootElement)).ToList());

    private const string Open = """
        { "compoundId": "c", "compoundName": "C", "proposal": { "description": "Lifts", "amount": 900000 },
          "roll": [ { "unitId": "A-101", "ownerId": "alice", "area": 100 } ],
          "opensAt": "2024-05-06T09:00:00+08:00", "closesAt": "2024-05-13T09:00:00+08:00" }
        """;

    [Fact]
    public void each_step_becomes_a_dated_request_of_its_declared_command()
    {
        var seeded = Vote(("open-vote", "2024-05-06T08:00:00+08:00", Open), ("close-vote", "2024-05-13T09:00:00+08:00", null));

        var requests = Seeds.Requests(Kinds, "yuelu", seeded, "test.json").ToList();

        requests.Select(r => r.Command.GetType().Name).ShouldBe(["OpenVote", "CloseVote"]);
        requests.Select(r => r.At).ShouldBe([new DateTimeOffset(2024, 5, 6, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2024, 5, 13, 1, 0, 0, TimeSpan.Zero)]);
        requests.ShouldAllBe(r => r.District == "yuelu" && r.CaseId == seeded.Id && r.Acting.Actor == "clerk-1");
    }

    [Fact]
    public void a_hand_over_or_a_complaint_is_a_step_of_any_kind_read_as_the_core_s_case_wide_command()
    {
        var seeded = Vote(("open-vote", "2024-05-06T08:00:00+08:00", Open),
            ("hand-over", "2024-05-06T08:00:00+08:00",
                """{ "from": "VillageStation", "fromOffice": "Station", "to": "DistrictCentre", "toOffice": "Centre", "reason": "Needs the centre" }"""),
            ("record-complaint", "2024-05-07T08:00:00+08:00", """{ "complainant": "alice", "complaint": "Too slow" }"""));

        var requests = Seeds.Requests(Kinds, "yuelu", seeded, "test.json").ToList();

        requests[1].Command.ShouldBe(new Core.Service.HandOverCase(Core.Service.ServiceLevel.VillageStation, "Station", Core.Service.ServiceLevel.DistrictCentre,
            "Centre", "Needs the centre"));
        requests[2].Command.ShouldBe(new Core.Service.RecordComplaint("alice", "Too slow"));
        Should.Throw<InvalidDataException>(() => Seeds.Requests(Kinds, "yuelu", Vote(("open-vote", "2024-05-06T08:00:00+08:00", Open),
            ("hand-over", "2024-05-06T09:00:00+08:00", null)), "test.json").ToList()).Message.ShouldContain("needs a body");
    }

    [Fact]
    public void a_step_dated_before_the_one_above_it_is_refused_naming_both()
    {
        var seeded = Vote(("open-vote", "2024-05-06T08:00:00+08:00", Open), ("close-vote", "2024-05-06T07:00:00+08:00", null));

        var error = Should.Throw<InvalidDataException>(() => Seeds.Requests(Kinds, "yuelu", seeded, "test.json").ToList());

        error.Message.ShouldContain("step 2 (close-vote) is dated 2024-05-05 23:00:00Z, before step 1 (2024-05-06 00:00:00Z)");
    }

    [Fact]
    public void an_unknown_command_and_a_missing_body_are_refused()
    {
        Should.Throw<InvalidDataException>(() => Seeds.Requests(Kinds, "yuelu", Vote(("vote-twice", "2024-05-06T08:00:00+08:00", null)), "test.json").ToList())
            .Message.ShouldContain("renovation-vote has no command 'vote-twice'");
        Should.Throw<InvalidDataException>(() => Seeds.Requests(Kinds, "yuelu", Vote(("open-vote", "2024-05-06T08:00:00+08:00", null)), "test.json").ToList())
            .Message.ShouldContain("step 1 (open-vote) needs a body");
    }
}
