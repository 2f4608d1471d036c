using CaseLedger.Audit;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace CaseLedger.IntegrationTests.CoFunding;

[Collection(LedgerCollection.Name)]
public sealed class when_storing_a_co_funded_project(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrict("cofunding");
    private DateTimeOffset _now = Votes.Start;

    private CasePipeline Pipeline => ledger.Host.Services.GetRequiredService<CasePipeline>();

    private RuleBook Rules => Pipeline.Rules;

    private static RegisterProject CamphorCourt(string compoundId = "camphor-court", decimal maintenanceFund = 0m, Guid? voteId = null)
    {
        List<Funding> funding =
        [
            new(FundingSource.CompoundPublicIncome, 426_000.00m),
            new(FundingSource.ResidentsSelfRaised, 372_500.00m),
        ];
        if (maintenanceFund > 0)
        {
            funding.Add(new Funding(FundingSource.MaintenanceFund, maintenanceFund));
        }

        return new RegisterProject(new Compound(compoundId, "Camphor Court", 2004, true, 306),
            "Pipes, facade and lighting renewal", 798_500.00m, funding, voteId);
    }

    /// <summary>
    /// Registers as a message on the bus, the way the host's endpoints send every command: the district is
    /// the message's tenant and who acts travels in its headers; the registration reads the referenced
    /// vote's tally in the district, and is decided at the host's clock, set to the test's time.
    /// </summary>
    private async Task<CommandOutcome> RegisterAsync(string district, Guid id, RegisterProject command, string actor = "clerk-yuelu-031",
        Channel channel = Channel.ServiceWindow, string? correlationId = null)
    {
        ledger.Clock.Set(_now);
        using var scope = ledger.Host.Services.CreateScope();
        var bus = scope.ServiceProvider.GetRequiredService<IMessageBus>();
        return await bus.InvokeAsync<CommandOutcome>(new CaseCommand<RegisterProject>(id, command),
            new Acting(actor, channel, Role.Clerk, CorrelationId: correlationId).ToDeliveryOptions(district));
    }

    private Task<CommandOutcome> ExecuteAsync(string district, Guid id, object command, Acting acting) =>
        Pipeline.ExecuteAsync(new CommandRequest(district, id, command, acting) { At = _now });

    /// <summary>A step a day after the one before.</summary>
    private Task<CommandOutcome> StepAsync(Guid id, string actor, object command, string? district = null)
    {
        _now = _now.AddDays(1);
        return ExecuteAsync(district ?? _district, id, command, new Acting(actor, Channel.ServiceWindow, Role.Clerk));
    }

    /// <summary>Registered, started, completed and audited at Camphor Court's cost, all accepted.</summary>
    private async Task<Guid> AnAuditedProjectAsync()
    {
        var id = Guid.NewGuid();
        (await RegisterAsync(_district, id, CamphorCourt())).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "clerk-yuelu-031", new StartProject())).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "inspector-yuelu-004", new CompleteProject("YL-ACC-2022-0917"))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "auditor-city-012", new AuditFinalCost(781_236.45m, "CS-AUD-2022-1103"))).IsAccepted.ShouldBeTrue();
        return id;
    }

    /// <summary>Opens a full vote of "compound-1" (six owners) in a district; four owners vote yes.</summary>
    private async Task<Guid> AVoteOfFourYesAsync(string district)
    {
        var voteId = Guid.NewGuid();
        var opened = _now;
        (await ExecuteAsync(district, voteId, Votes.Open(opened), new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk))).IsAccepted.ShouldBeTrue();
        foreach (var i in new[] { 1, 2, 3, 4 })
        {
            (await Pipeline.ExecuteAsync(new CommandRequest(district, voteId, new CastBallot($"U{i}", $"O{i}", BallotChoice.Yes),
                new Acting($"O{i}", Channel.WeChatMiniProgram, Role.Resident)) { At = opened.AddMinutes(i) })).IsAccepted.ShouldBeTrue();
        }

        return voteId;
    }

    private async Task CloseVoteAsync(string district, Guid voteId)
    {
        _now = _now.AddDays(7);
        (await ExecuteAsync(district, voteId, new CloseVote(), new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk))).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public async Task events_round_trip_with_their_names_and_metadata()
    {
        var id = Guid.NewGuid();
        var registeredAt = _now;
        (await RegisterAsync(_district, id, CamphorCourt(), actor: "clerk-yuelu-031", channel: Channel.OnlinePlatform, correlationId: "corr-1"))
            .IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "clerk-yuelu-031", new StartProject())).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "inspector-yuelu-004", new CompleteProject("YL-ACC-2022-0917"))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "auditor-city-012", new AuditFinalCost(781_236.45m, "CS-AUD-2022-1103"))).IsAccepted.ShouldBeTrue();
        _now = _now.AddDays(1);
        var awardedAt = _now;
        var officer = new Acting("officer-housing-007", Channel.ServiceWindow, Role.Clerk, CorrelationId: "corr-5", CausationId: "cause-5");
        (await ExecuteAsync(_district, id, new DecideAward(), officer)).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "treasury-city-002", new SettleGrant("PAY-2022-1220"))).IsAccepted.ShouldBeTrue();

        await using var query = ledger.Store.QuerySession(_district);
        var history = await CaseHistories.ReadAsync(query, ledger.Host.Services.GetRequiredService<CaseKinds>(), id);

        history.ShouldNotBeNull();
        history.Version.ShouldBe(6);
        history.District.ShouldBe(_district);
        history.Kind.ShouldBe(CoFundingKind.KindName);
        (await query.Events.FetchStreamStateAsync(id))!.AggregateType.ShouldBe(typeof(CoFundingProject));
        history.Events.Select(e => e.Type).ShouldBe([
            "co_funding.project_registered.v1",
            "co_funding.project_started.v1",
            "co_funding.project_completed.v1",
            "co_funding.final_cost_audited.v1",
            "co_funding.award_decided.v1",
            "co_funding.grant_settled.v1",
        ]);
        history.Events.ShouldAllBe(e => e.Rule == "co-funding@1");
        history.Events.Select(e => e.Actor).ShouldBe([
            "clerk-yuelu-031", "clerk-yuelu-031", "inspector-yuelu-004", "auditor-city-012", "officer-housing-007", "treasury-city-002",
        ]);

        var registration = history.Events[0];
        registration.Channel.ShouldBe("OnlinePlatform");
        registration.CorrelationId.ShouldBe("corr-1");
        var registered = registration.Data.ShouldBeOfType<ProjectRegistered>();
        registered.ProjectId.ShouldBe(id);
        registered.Compound.ShouldBe(new Compound("camphor-court", "Camphor Court", 2004, true, 306));
        registered.Funding.ShouldBe([
            new Funding(FundingSource.CompoundPublicIncome, 426_000.00m),
            new Funding(FundingSource.ResidentsSelfRaised, 372_500.00m),
        ]);
        registered.Rules.ShouldBe(Rules.Get<CoFundingRules>(CoFundingRules.RuleId, "1"));
        registered.Rules.Rounding.ShouldBe(MidpointRounding.AwayFromZero);
        registered.Channel.ShouldBe(Channel.OnlinePlatform);
        registered.RegisteredAt.ShouldBe(registeredAt);
        registered.Eligible.ShouldBeTrue();
        registered.Eligibility.Select(c => c.Clause).ShouldBe([Eligibility.BuiltYearsClause, Eligibility.MaintenanceFundClause, Eligibility.VoteClause]);

        var award = history.Events[4];
        award.CorrelationId.ShouldBe("corr-5");
        award.CausationId.ShouldBe("cause-5");
        var decided = award.Data.ShouldBeOfType<AwardDecided>();
        decided.Grant.ShouldBe(new Grant(234_370.94m, 117_185.47m, 117_185.47m));
        decided.Rate.ShouldBe(0.30m);
        decided.Rule.ShouldBe(new RuleRef("co-funding", "1"));
        decided.DecidedAt.ShouldBe(awardedAt);
        decided.Criteria.Count.ShouldBe(5);
        history.Events[5].Data.ShouldBeOfType<GrantSettled>().Amount.ShouldBe(decided.Grant);
    }

    [Fact]
    public async Task the_snapshot_and_the_read_model_are_updated_with_the_events()
    {
        var id = await AnAuditedProjectAsync();
        (await StepAsync(id, "officer-housing-007", new DecideAward())).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "treasury-city-002", new SettleGrant("PAY-1"))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "auditor-city-015", new AuditFinalCost(780_000.00m, "CS-AUD-R")))
            .Appended.ShouldBe(["co_funding.final_cost_audited.v1", "co_funding.award_adjusted.v1"]);

        await using var query = ledger.Store.QuerySession(_district);
        var snapshot = await query.LoadAsync<CoFundingProject>(id);
        var view = await query.LoadAsync<CoFundingEligibility>(id);

        snapshot.ShouldNotBeNull();
        snapshot.Stage.ShouldBe(ProjectStage.Awarded);
        snapshot.Grant.ShouldBe(new Grant(234_000.00m, 117_000.00m, 117_000.00m));
        snapshot.Settled.Total.ShouldBe(234_370.94m);
        snapshot.Rules.ShouldBe(Rules.Get<CoFundingRules>(CoFundingRules.RuleId, "1"));
        view.ShouldNotBeNull();
        view.Version.ShouldBe(8);
        view.AuditRevisions.ShouldBe(2);
        view.InitialGrant!.Total.ShouldBe(234_370.94m);
        view.Adjustments.ShouldHaveSingleItem().Difference.ShouldBe(new Grant(-370.94m, -185.47m, -185.47m));
        view.Paid.Total.ShouldBe(234_370.94m);
        view.Balance.ShouldBe(-370.94m);
    }

    [Fact]
    public async Task the_registration_reads_the_tally_of_a_vote_in_the_same_district()
    {
        var voteId = await AVoteOfFourYesAsync(_district);
        await CloseVoteAsync(_district, voteId);
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync(_district, id, CamphorCourt("compound-1", maintenanceFund: 120_000.00m, voteId: voteId));

        outcome.IsAccepted.ShouldBeTrue();
        await using var query = ledger.Store.QuerySession(_district);
        var view = (await query.LoadAsync<CoFundingEligibility>(id)).ShouldNotBeNull();
        view.RenovationVoteId.ShouldBe(voteId);
        view.Eligible.ShouldBeTrue();
        var vote = view.Criteria.Single(c => c.Clause == Eligibility.VoteClause);
        vote.Met.ShouldBeTrue();
        vote.Detail.ShouldBe($"vote {voteId} passed by the owners");
    }

    [Fact]
    public async Task a_vote_whose_tally_is_still_open_is_refused()
    {
        var voteId = await AVoteOfFourYesAsync(_district);
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync(_district, id, CamphorCourt("compound-1", maintenanceFund: 120_000.00m, voteId: voteId));

        outcome.Rejection!.Code.ShouldBe("co_funding.vote_not_decided");
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task a_vote_of_another_district_is_not_found()
    {
        var other = ledger.NewDistrict("other");
        var voteId = await AVoteOfFourYesAsync(other);
        await CloseVoteAsync(other, voteId);
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync(_district, id, CamphorCourt("compound-1", maintenanceFund: 120_000.00m, voteId: voteId));

        outcome.Rejection!.Code.ShouldBe("co_funding.vote_not_found");
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
        (await query.LoadAsync<CoFundingEligibility>(id)).ShouldBeNull();
    }

    [Fact]
    public async Task another_district_can_neither_read_nor_write_the_project()
    {
        var id = Guid.NewGuid();
        var other = ledger.NewDistrict("other");
        (await RegisterAsync(_district, id, CamphorCourt())).IsAccepted.ShouldBeTrue();

        await using (var session = ledger.Store.QuerySession(other))
        {
            (await session.Events.FetchStreamAsync(id)).ShouldBeEmpty();
            (await session.LoadAsync<CoFundingEligibility>(id)).ShouldBeNull();
            (await session.LoadAsync<CoFundingProject>(id)).ShouldBeNull();
            (await session.Query<CoFundingEligibility>().Where(p => p.Id == id).ToListAsync()).ShouldBeEmpty();
            (await CaseHistories.ReadAsync(session, new CaseKinds(), id)).ShouldBeNull();
        }

        var outcome = await StepAsync(id, "clerk-furong-001", new StartProject(), district: other);

        outcome.Rejection!.Code.ShouldBe("case.not_found");
        await using var own = ledger.Store.QuerySession(_district);
        (await own.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
        (await own.LoadAsync<CoFundingEligibility>(id))!.Stage.ShouldBe(ProjectStage.Registered);
    }

    [Fact]
    public async Task a_rejected_command_appends_nothing()
    {
        var id = Guid.NewGuid();
        (await RegisterAsync(_district, id, CamphorCourt())).IsAccepted.ShouldBeTrue();

        var outcome = await StepAsync(id, "officer-housing-007", new DecideAward());

        outcome.Rejection!.Code.ShouldBe("co_funding.not_ready");
        outcome.Appended.ShouldBeEmpty();
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
        var view = (await query.LoadAsync<CoFundingEligibility>(id)).ShouldNotBeNull();
        view.Version.ShouldBe(1);
        view.Grant.ShouldBeNull();
    }

    [Fact]
    public async Task a_refused_registration_starts_no_stream()
    {
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync(_district, id, CamphorCourt(maintenanceFund: 120_000.00m));

        outcome.Rejection!.Code.ShouldBe("co_funding.vote_missing");
        await using var query = ledger.Store.QuerySession(_district);
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
        (await query.LoadAsync<CoFundingProject>(id)).ShouldBeNull();
    }
}
