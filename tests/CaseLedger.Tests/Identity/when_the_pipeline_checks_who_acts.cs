using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Identity;

// The pipeline checks every command's acting context against its declaration, whoever sends it:
// the role must be one the command allows, a resident acts only as the person the command is about,
// a proxy must name that person, and a clerk entering it for someone is recorded on their behalf.
public sealed class when_the_pipeline_checks_who_acts
{
    private static readonly DateTimeOffset Opened = new(2025, 3, 3, 9, 0, 0, TimeSpan.FromHours(8));
    private readonly CaseFixture _fixture;
    private readonly Guid _vote = Guid.NewGuid();

    public when_the_pipeline_checks_who_acts()
    {
        var kinds = StandardKinds.Create();
        _fixture = new CaseFixture(kinds, kinds.DefaultRules());
        _fixture.Given(_vote, new OpenVote("c", "C", new Proposal("Roof", 120_000m),
            [new RollEntry("U1", "O1", 100m), new RollEntry("U2", "O2", 100m)], Opened, Opened.AddDays(7)), Opened);
    }

    private CommandOutcome Cast(string voter, Acting acting) =>
        _fixture.Run(_vote, new CastBallot("U" + voter[1..], voter, BallotChoice.Yes), Opened.AddMinutes(5), acting);

    [Fact]
    public void a_resident_casts_their_own_ballot_and_no_one_elses()
    {
        Cast("O1", new Acting("O1", Channel.OnlinePlatform, Role.Resident)).IsAccepted.ShouldBeTrue();

        var refused = Cast("O2", new Acting("O1", Channel.OnlinePlatform, Role.Resident));

        refused.Rejection!.Code.ShouldBe("auth.not_your_own");
        refused.Rejection.Kind.ShouldBe(RejectionKind.Forbidden);
        _fixture.Events(_vote).Count.ShouldBe(2);
    }

    [Fact]
    public void a_resident_may_not_claim_to_act_on_someone_elses_behalf()
    {
        Cast("O2", new Acting("O1", Channel.OnlinePlatform, Role.Resident, OnBehalfOf: "O2")).Rejection!.Code.ShouldBe("auth.resident_acts_for_self");
    }

    [Fact]
    public void a_proxy_must_name_the_person_and_is_recorded_acting_for_them()
    {
        Cast("O2", new Acting("staff-7", Channel.Proxy, Role.Proxy)).Rejection!.Code.ShouldBe("acting.on_behalf_of_missing");
        Cast("O2", new Acting("staff-7", Channel.Proxy, Role.Proxy, OnBehalfOf: "O1")).Rejection!.Code.ShouldBe("auth.on_behalf_of_mismatch");

        Cast("O2", new Acting("staff-7", Channel.Proxy, Role.Proxy, OnBehalfOf: "O2")).IsAccepted.ShouldBeTrue();

        var ballot = _fixture.Recorded(_vote)[^1];
        (ballot.Actor, ballot.OnBehalfOf, ballot.Role).ShouldBe(("staff-7", "O2", "proxy"));
    }

    [Fact]
    public void a_clerks_paper_ballot_is_recorded_on_the_voters_behalf()
    {
        Cast("O2", new Acting("clerk-9", Channel.ServiceWindow, Role.Clerk)).IsAccepted.ShouldBeTrue();

        var ballot = _fixture.Recorded(_vote)[^1];
        (ballot.Actor, ballot.OnBehalfOf, ballot.Role).ShouldBe(("clerk-9", "O2", "clerk"));
    }

    [Fact]
    public void a_clerk_naming_someone_else_than_the_voter_is_refused() =>
        Cast("O2", new Acting("clerk-9", Channel.ServiceWindow, Role.Clerk, OnBehalfOf: "O1")).Rejection!.Code.ShouldBe("auth.on_behalf_of_mismatch");

    [Fact]
    public void a_clerk_who_is_the_voter_may_not_claim_to_act_for_someone_else() =>
        Cast("O2", new Acting("O2", Channel.ServiceWindow, Role.Clerk, OnBehalfOf: "O1")).Rejection!.Code.ShouldBe("auth.on_behalf_of_mismatch");

    [Fact]
    public void a_clerk_naming_the_voter_is_recorded_on_their_behalf() =>
        Cast("O2", new Acting("clerk-9", Channel.ServiceWindow, Role.Clerk, OnBehalfOf: "O2")).IsAccepted.ShouldBeTrue();

    [Fact]
    public void no_one_acts_on_someones_behalf_in_a_command_about_no_person_and_nothing_is_appended()
    {
        var closing = new CloseVote();

        var refused = _fixture.Run(_vote, closing, Opened.AddDays(8), new Acting("clerk-9", Channel.ServiceWindow, Role.Clerk, OnBehalfOf: "O1"));

        refused.Rejection!.Code.ShouldBe("auth.on_behalf_of_mismatch");
        refused.Rejection.Kind.ShouldBe(RejectionKind.Forbidden);
        _fixture.Events(_vote).Count.ShouldBe(1);
        _fixture.Run(_vote, closing, Opened.AddDays(8), new Acting("clerk-9", Channel.ServiceWindow, Role.Clerk)).IsAccepted.ShouldBeTrue();
    }

    [Theory]
    [InlineData(Role.Clerk)]
    [InlineData(Role.Administrator)]
    [InlineData(Role.Partner)]
    public void the_rule_holds_in_every_role_a_case_wide_operation_or_a_command_may_be_sent_in(Role role)
    {
        var acting = new Acting("someone", Channel.ServiceWindow, role, OnBehalfOf: "P1") { Institution = "bank-1" };

        CommandPipeline.Authorize("do it", [role], null, acting).Refused!.Code.ShouldBe("auth.on_behalf_of_mismatch");
        CommandPipeline.Authorize("do it", [role], "P2", acting).Refused!.Code.ShouldBe("auth.on_behalf_of_mismatch");
        CommandPipeline.Authorize("do it", [role], "P1", acting).Refused.ShouldBeNull();
        CommandPipeline.Authorize("do it", [role], null, acting with { OnBehalfOf = null }).Refused.ShouldBeNull();
    }

    [Theory]
    [InlineData(Role.Auditor)]
    [InlineData(Role.RuleAuthor)]
    [InlineData(Role.Administrator)]
    public void a_role_the_command_does_not_allow_is_refused_and_nothing_is_appended(Role role)
    {
        var refused = _fixture.Run(_vote, new CloseVote(), Opened.AddDays(8), new Acting("someone", Channel.ServiceWindow, role));

        refused.Rejection!.Code.ShouldBe("auth.role_not_allowed");
        refused.Rejection.Reason.ShouldContain("it is for: clerk");
        _fixture.Events(_vote).Count.ShouldBe(1);
    }

    [Fact]
    public void a_resident_may_not_open_a_vote()
    {
        var refused = _fixture.Run(Guid.NewGuid(), new OpenVote("c", "C", new Proposal("Roof", 1m), [new RollEntry("U1", "O1", 1m)], Opened, Opened.AddDays(1)),
            Opened, new Acting("O1", Channel.OnlinePlatform, Role.Resident));

        refused.Rejection!.Code.ShouldBe("auth.role_not_allowed");
    }

    [Fact]
    public void every_command_of_every_kind_names_the_roles_it_is_for_and_readers_never_write()
    {
        var commands = StandardKinds.Create().All.SelectMany(k => k.Commands).ToList();

        commands.ShouldAllBe(c => c.AllowedRoles.Count > 0);
        commands.ShouldAllBe(c => !c.AllowedRoles.Contains(Role.Auditor) && !c.AllowedRoles.Contains(Role.RuleAuthor));
        commands.Where(c => c.AllowedRoles.Contains(Role.Resident)).ShouldAllBe(c => c.NamesAPerson);
    }

    [Fact]
    public void the_role_is_chained_with_the_rest_of_who_acted()
    {
        Cast("O1", new Acting("O1", Channel.OnlinePlatform, Role.Resident)).IsAccepted.ShouldBeTrue();

        _fixture.Recorded(_vote)[^1].Role.ShouldBe("resident");
        Roles.Names.ShouldBe(["resident", "clerk", "proxy", "auditor", "rule-author", "administrator", "partner"]);
        Roles.TryParse("rule-author", out var author).ShouldBeTrue();
        author.ShouldBe(Role.RuleAuthor);
        Roles.TryParse("Clerk", out _).ShouldBeFalse("roles are written one way only");
    }
}
