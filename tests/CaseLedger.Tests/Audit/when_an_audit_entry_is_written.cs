using CaseLedger.Audit;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using JasperFx.Events;

namespace CaseLedger.Tests.Audit;

// An audit entry is a pure function of its event and the event's metadata: its sentence says what
// happened and, when staff acted for someone, names both the staff member and that person.
public sealed class when_an_audit_entry_is_written
{
    private static readonly CaseKinds Kinds = StandardKinds.Create();
    private static readonly Guid Vote = Guid.Parse("0190c9a0-0000-7000-8000-000000000001");

    private static Event<BallotCast> Ballot(string actor, string? role, string? onBehalfOf)
    {
        var e = new Event<BallotCast>(new BallotCast(Vote, "U2", "O2", BallotChoice.No, "M2", 100m, null, new DateTimeOffset(2025, 3, 3, 9, 5, 0, TimeSpan.FromHours(8))))
        {
            StreamId = Vote,
            TenantId = "yuelu",
            Version = 3,
            UserName = actor,
            EventTypeName = "renovation_vote.ballot_cast.v1",
        };
        if (role is not null)
        {
            e.SetHeader(CaseHeaders.Role, role);
        }

        if (onBehalfOf is not null)
        {
            e.SetHeader(CaseHeaders.OnBehalfOf, onBehalfOf);
        }

        return e;
    }

    [Fact]
    public void a_proxys_step_names_the_staff_member_their_role_and_the_person_they_acted_for()
    {
        var entry = AuditEntry.From(Ballot("staff-help-7", "proxy", "O2"), Kinds);

        entry.Summary.ShouldBe("O2 voted No for unit U2 (staff-help-7, proxy, acted on behalf of O2)");
        (entry.Actor, entry.Role, entry.OnBehalfOf).ShouldBe(("staff-help-7", "proxy", "O2"));
    }

    [Fact]
    public void a_clerks_paper_ballot_names_the_clerk_as_well()
    {
        AuditEntry.From(Ballot("clerk-yuelu-017", "clerk", "O2"), Kinds).Summary.ShouldBe("O2 voted No for unit U2 (clerk-yuelu-017, clerk, acted on behalf of O2)");
        // Events recorded before roles were kept name the staff member without one.
        AuditEntry.From(Ballot("staff-help-7", null, "O2"), Kinds).Summary.ShouldBe("O2 voted No for unit U2 (staff-help-7 acted on behalf of O2)");
    }

    [Fact]
    public void a_person_acting_for_themselves_is_described_by_the_step_alone()
    {
        AuditEntry.From(Ballot("O2", "resident", null), Kinds).Summary.ShouldBe("O2 voted No for unit U2");
    }

    [Fact]
    public void the_same_event_always_gives_the_same_entry()
    {
        var e = Ballot("staff-help-7", "proxy", "O2");

        AuditEntry.From(e, Kinds).ShouldBe(AuditEntry.From(e, Kinds));
    }
}
