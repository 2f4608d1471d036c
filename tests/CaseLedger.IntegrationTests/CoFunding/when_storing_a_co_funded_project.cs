using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using Marten;
using Wolverine;

namespace CaseLedger.IntegrationTests.CoFunding;

[Collection(PostgresCollection.Name)]
public sealed class when_storing_a_co_funded_project(PostgresServer server) : IAsyncLifetime
{
    private static readonly RuleBook Rules = RuleBook.Default();
    private readonly TestClock _clock = new(Votes.Start);
    private DocumentStore _store = null!;

    public async Task InitializeAsync() => _store = Stores.For(await server.CreateDatabaseAsync("cofunding"));

    public Task DisposeAsync()
    {
        _store.Dispose();
        return Task.CompletedTask;
    }

    private static RegisterProject CamphorCourt(Guid id, string compoundId = "camphor-court", decimal maintenanceFund = 0m, Guid? voteId = null)
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

        return new RegisterProject(id, new Compound(compoundId, "Camphor Court", 2004, true, 306),
            "Pipes, facade and lighting renewal", 798_500.00m, funding, voteId);
    }

    /// <summary>
    /// Registers through the real handler, because the handler is what reads the referenced vote's
    /// tally from the district's session; the acting context comes in on the envelope as over the bus.
    /// </summary>
    private async Task<CommandOutcome> RegisterAsync(string district, RegisterProject command, string actor = "clerk-yuelu-031",
        Channel channel = Channel.ServiceWindow, string? correlationId = null)
    {
        await using var session = _store.LightweightSession(district);
        var envelope = new Envelope { CorrelationId = correlationId };
        envelope.Headers[CaseHeaders.Actor] = actor;
        envelope.Headers[CaseHeaders.Channel] = channel.ToString();
        return await RegisteringAProject.Handle(command, session, Rules, _clock, envelope, CancellationToken.None);
    }

    private async Task<CommandOutcome> ExecuteAsync(string district, Guid id, Acting acting, Func<CoFundingProject, DateTimeOffset, Decision> decide)
    {
        await using var session = _store.LightweightSession(district);
        var now = _clock.GetUtcNow();
        return await CaseCommands.ExecuteAsync<CoFundingProject>(session, id, null, acting, project => decide(project, now));
    }

    private Task<CommandOutcome> StepAsync(Guid id, string actor, Func<CoFundingProject, DateTimeOffset, Decision> decide, string district = "yuelu")
    {
        _clock.Advance(TimeSpan.FromDays(1));
        return ExecuteAsync(district, id, new Acting(actor, Channel.ServiceWindow), decide);
    }

    /// <summary>Registered, started, completed and audited at Camphor Court's cost, all accepted.</summary>
    private async Task<Guid> AnAuditedProjectAsync()
    {
        var id = Guid.NewGuid();
        (await RegisterAsync("yuelu", CamphorCourt(id))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "clerk-yuelu-031", (p, now) => AdvancingAProject.Decide(new StartProject(id), p, now))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "inspector-yuelu-004", (p, now) => AdvancingAProject.Decide(new CompleteProject(id, "YL-ACC-2022-0917"), p, now))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "auditor-city-012", (p, now) => AdvancingAProject.Decide(new AuditFinalCost(id, 781_236.45m, "CS-AUD-2022-1103"), p, now))).IsAccepted.ShouldBeTrue();
        return id;
    }

    /// <summary>Opens a full vote of "compound-1" (six owners) in a district; four owners vote yes.</summary>
    private async Task<Guid> AVoteOfFourYesAsync(string district)
    {
        var voteId = Guid.NewGuid();
        var opened = _clock.GetUtcNow();
        await using (var session = _store.LightweightSession(district))
        {
            (await CaseCommands.StartAsync<RenovationVote>(session, voteId, new Acting("clerk-1", Channel.ServiceWindow),
                () => OpeningAVote.Decide(Votes.Open(voteId, opened), Channel.ServiceWindow, opened,
                    Rules.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, opened)))).IsAccepted.ShouldBeTrue();
        }

        foreach (var i in new[] { 1, 2, 3, 4 })
        {
            await using var session = _store.LightweightSession(district);
            (await CaseCommands.ExecuteAsync<RenovationVote>(session, voteId, null, new Acting($"O{i}", Channel.WeChatMiniProgram),
                vote => CastingABallot.Decide(new CastBallot(voteId, $"U{i}", $"O{i}", BallotChoice.Yes), vote, opened.AddMinutes(i)))).IsAccepted.ShouldBeTrue();
        }

        return voteId;
    }

    private async Task CloseVoteAsync(string district, Guid voteId)
    {
        _clock.Advance(TimeSpan.FromDays(7));
        await using var session = _store.LightweightSession(district);
        var now = _clock.GetUtcNow();
        (await CaseCommands.ExecuteAsync<RenovationVote>(session, voteId, null, new Acting("clerk-1", Channel.ServiceWindow),
            vote => ClosingAVote.Decide(new CloseVote(voteId), vote, now))).IsAccepted.ShouldBeTrue();
    }

    [Fact]
    public async Task events_round_trip_with_their_names_and_metadata()
    {
        var id = Guid.NewGuid();
        var registeredAt = _clock.GetUtcNow();
        (await RegisterAsync("yuelu", CamphorCourt(id), actor: "clerk-yuelu-031", channel: Channel.OnlinePlatform, correlationId: "corr-1"))
            .IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "clerk-yuelu-031", (p, now) => AdvancingAProject.Decide(new StartProject(id), p, now))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "inspector-yuelu-004", (p, now) => AdvancingAProject.Decide(new CompleteProject(id, "YL-ACC-2022-0917"), p, now))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "auditor-city-012", (p, now) => AdvancingAProject.Decide(new AuditFinalCost(id, 781_236.45m, "CS-AUD-2022-1103"), p, now))).IsAccepted.ShouldBeTrue();
        _clock.Advance(TimeSpan.FromDays(1));
        var awardedAt = _clock.GetUtcNow();
        var officer = new Acting("officer-housing-007", Channel.ServiceWindow, CorrelationId: "corr-5", CausationId: "cause-5");
        (await ExecuteAsync("yuelu", id, officer, (p, now) => AwardingTheGrant.Decide(new DecideAward(id), p, now))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "treasury-city-002", (p, now) => AwardingTheGrant.Decide(new SettleGrant(id, "PAY-2022-1220"), p, now))).IsAccepted.ShouldBeTrue();

        await using var query = _store.QuerySession("yuelu");
        var history = await CaseHistoryEndpoints.Read(query, new CaseKinds(), id);

        history.ShouldNotBeNull();
        history.Version.ShouldBe(6);
        history.District.ShouldBe("yuelu");
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
        (await StepAsync(id, "officer-housing-007", (p, now) => AwardingTheGrant.Decide(new DecideAward(id), p, now))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "treasury-city-002", (p, now) => AwardingTheGrant.Decide(new SettleGrant(id, "PAY-1"), p, now))).IsAccepted.ShouldBeTrue();
        (await StepAsync(id, "auditor-city-015", (p, now) => AdvancingAProject.Decide(new AuditFinalCost(id, 780_000.00m, "CS-AUD-R"), p, now)))
            .Appended.ShouldBe([nameof(FinalCostAudited), nameof(AwardAdjusted)]);

        await using var query = _store.QuerySession("yuelu");
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
        var voteId = await AVoteOfFourYesAsync("yuelu");
        await CloseVoteAsync("yuelu", voteId);
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync("yuelu", CamphorCourt(id, "compound-1", maintenanceFund: 120_000.00m, voteId: voteId));

        outcome.IsAccepted.ShouldBeTrue();
        await using var query = _store.QuerySession("yuelu");
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
        var voteId = await AVoteOfFourYesAsync("yuelu");
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync("yuelu", CamphorCourt(id, "compound-1", maintenanceFund: 120_000.00m, voteId: voteId));

        outcome.Rejection!.Code.ShouldBe("co_funding.vote_not_decided");
        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task a_vote_of_another_district_is_not_found()
    {
        var voteId = await AVoteOfFourYesAsync("furong");
        await CloseVoteAsync("furong", voteId);
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync("yuelu", CamphorCourt(id, "compound-1", maintenanceFund: 120_000.00m, voteId: voteId));

        outcome.Rejection!.Code.ShouldBe("co_funding.vote_not_found");
        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
        (await query.LoadAsync<CoFundingEligibility>(id)).ShouldBeNull();
    }

    [Fact]
    public async Task another_district_can_neither_read_nor_write_the_project()
    {
        var id = Guid.NewGuid();
        (await RegisterAsync("yuelu", CamphorCourt(id))).IsAccepted.ShouldBeTrue();

        await using (var other = _store.QuerySession("furong"))
        {
            (await other.Events.FetchStreamAsync(id)).ShouldBeEmpty();
            (await other.LoadAsync<CoFundingEligibility>(id)).ShouldBeNull();
            (await other.LoadAsync<CoFundingProject>(id)).ShouldBeNull();
            (await other.Query<CoFundingEligibility>().Where(p => p.Id == id).ToListAsync()).ShouldBeEmpty();
            (await CaseHistoryEndpoints.Read(other, new CaseKinds(), id)).ShouldBeNull();
        }

        var outcome = await StepAsync(id, "clerk-furong-001", (p, now) => AdvancingAProject.Decide(new StartProject(id), p, now), district: "furong");

        outcome.Rejection!.Code.ShouldBe("case.not_found");
        await using var own = _store.QuerySession("yuelu");
        (await own.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
        (await own.LoadAsync<CoFundingEligibility>(id))!.Stage.ShouldBe(ProjectStage.Registered);
    }

    [Fact]
    public async Task a_rejected_command_appends_nothing()
    {
        var id = Guid.NewGuid();
        (await RegisterAsync("yuelu", CamphorCourt(id))).IsAccepted.ShouldBeTrue();

        var outcome = await StepAsync(id, "officer-housing-007", (p, now) => AwardingTheGrant.Decide(new DecideAward(id), p, now));

        outcome.Rejection!.Code.ShouldBe("co_funding.not_ready");
        outcome.Appended.ShouldBeEmpty();
        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamAsync(id)).Count.ShouldBe(1);
        var view = (await query.LoadAsync<CoFundingEligibility>(id)).ShouldNotBeNull();
        view.Version.ShouldBe(1);
        view.Grant.ShouldBeNull();
    }

    [Fact]
    public async Task a_refused_registration_starts_no_stream()
    {
        var id = Guid.NewGuid();

        var outcome = await RegisterAsync("yuelu", CamphorCourt(id, maintenanceFund: 120_000.00m));

        outcome.Rejection!.Code.ShouldBe("co_funding.vote_missing");
        await using var query = _store.QuerySession("yuelu");
        (await query.Events.FetchStreamStateAsync(id)).ShouldBeNull();
        (await query.LoadAsync<CoFundingProject>(id)).ShouldBeNull();
    }
}
