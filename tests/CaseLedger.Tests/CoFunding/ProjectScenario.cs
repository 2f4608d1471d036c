using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using CaseLedger.Tests.RenovationVotes;

namespace CaseLedger.Tests.CoFunding;

/// <summary>The co-funding rule as the kinds' default rule book has it, and what-if versions beside it.</summary>
internal static class CoFundingRuleBook
{
    public static RuleBook Default { get; } = StandardKinds.Create().DefaultRules();

    /// <summary>Version "1": compounds built 2000-2015 with a maintenance fund, 30% of the audited cost, half each.</summary>
    public static CoFundingRules Version1 { get; } = Default.Get<CoFundingRules>(CoFundingRules.RuleId, "1");

    /// <summary>
    /// The default rule book plus one proposed version of the co-funding rule with the given parameters,
    /// written the way a rule file writes them.
    /// </summary>
    public static RuleBook WithProposedVersion(string version, string parametersJson) =>
        StandardKinds.Create().RulesBuilder()
            .AddJson($$"""
                {
                  "rules": {
                    "co-funding": [
                      {
                        "version": "{{version}}",
                        "title": "What-if version for tests",
                        "effectiveFrom": "2021-01-01",
                        "proposed": true,
                        "parameters": {{parametersJson}}
                      }
                    ]
                  }
                }
                """, $"test version {version}")
            .Build();

    /// <summary>A proposed version as a rule file writes it, read through the rule book.</summary>
    public static RuleVersion ProposedVersion(string version, string parametersJson) =>
        WithProposedVersion(version, parametersJson).Get(CoFundingRules.RuleId, version);

    /// <summary>The parameters of a proposed version, read through the rule book exactly as a rule file's.</summary>
    public static CoFundingRules Proposed(string version, string parametersJson) =>
        RuleBook.Parameters<CoFundingRules>(ProposedVersion(version, parametersJson));
}

/// <summary>
/// A renovation vote a project may reference, as it stands when the project is registered. It is held
/// for real in the project's ledger, through the renovation-vote commands, before the registration, so
/// the registration reads its <see cref="VoteTally"/> as the host does.
/// </summary>
internal sealed record HeldVote(Guid VoteId, string CompoundId, VotingRoute Route, VoteOutcome? Outcome);

/// <summary>The votes a co-funding test may hold; the spend they were about is the maintenance-fund money the project lists.</summary>
internal static class Votes
{
    public static HeldVote PassedByTheOwners(string compoundId) => new(Guid.NewGuid(), compoundId, VotingRoute.FullVote, VoteOutcome.Passed);

    public static HeldVote FailedAmongTheOwners(string compoundId) => new(Guid.NewGuid(), compoundId, VotingRoute.FullVote, VoteOutcome.Failed);

    public static HeldVote StillOpen(string compoundId) => new(Guid.NewGuid(), compoundId, VotingRoute.FullVote, null);

    public static HeldVote ApprovedByTheCommittee(string compoundId) => new(Guid.NewGuid(), compoundId, VotingRoute.Simplified, VoteOutcome.Passed);

    public static HeldVote RefusedByTheCommittee(string compoundId) => new(Guid.NewGuid(), compoundId, VotingRoute.Simplified, VoteOutcome.Failed);
}

/// <summary>
/// Builds the history of one co-funded project through the command pipeline on an in-memory ledger
/// (<see cref="CaseFixture"/>: the kind's declarations, the vote it reads as a fact, its decisions, its
/// state and read model as the store would keep them). Steps named in the past tense
/// (<see cref="Registered"/>, <see cref="Audited"/>, ...) are givens and must be accepted; steps named as
/// commands (<see cref="Register()"/>, <see cref="Award()"/>, ...) are the "when": they return the
/// <see cref="CommandOutcome"/>, and a refused one appends nothing.
/// By default the project is Camphor Court's (built 2004, with a maintenance fund, 306 households),
/// paid from public income and self-raised money, registered on 1 March 2022 in Changsha.
/// </summary>
internal sealed class ProjectScenario
{
    public static readonly DateTimeOffset DefaultRegisteredAt = new(2022, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Camphor Court's audited final cost: its grant is 234,370.935 before rounding.</summary>
    public const decimal CamphorCourtAuditedCost = 781_236.45m;

    private readonly List<Funding> _funding =
    [
        new(FundingSource.CompoundPublicIncome, 426_000.00m),
        new(FundingSource.ResidentsSelfRaised, 372_500.00m),
    ];

    private RuleBook _book = CoFundingRuleBook.Default;
    private CaseFixture? _fixture;
    private Guid? _voteId;
    private HeldVote? _vote;
    private decimal _voteAmount;
    private int _audits;
    private int _settlements;

    private ProjectScenario()
    {
    }

    public static ProjectScenario OfCamphorCourt() => new();

    public static ProjectScenario OfACompoundBuiltIn(int year) => new ProjectScenario().BuiltIn(year);

    public Guid ProjectId { get; } = Guid.NewGuid();

    public Compound Compound { get; private set; } = new("camphor-court", "Camphor Court", 2004, true, 306);

    public string Description { get; private set; } = "Pipes, facade and lighting renewal";

    public decimal EstimatedCost { get; private set; } = 798_500.00m;

    public IReadOnlyList<Funding> Funding => _funding;

    public DateTimeOffset RegisteredAt { get; private set; } = DefaultRegisteredAt;

    /// <summary>When the last step was taken; each step after the registration comes a day after the one before.</summary>
    public DateTimeOffset Now { get; private set; }

    /// <summary>The ledger the project is kept in: its own, or the one of the vote it was put beside.</summary>
    public CaseFixture Fixture => _fixture ??= new CaseFixture(StandardKinds.Create(), _book);

    /// <summary>The rule version the project is registered under: the one chosen, or the one in force at registration.</summary>
    public CoFundingRules? Rules => Fixture.Ledger.Rules.TryInForce<CoFundingRules>(CoFundingRules.RuleId, RegisteredAt);

    /// <summary>Every accepted event so far, in order.</summary>
    public IReadOnlyList<object> History => Fixture.Events(ProjectId);

    /// <summary>Every accepted event so far with its metadata, as the store would record it.</summary>
    public IReadOnlyList<RecordedEvent> Recorded => Fixture.Recorded(ProjectId);

    public CoFundingProject Project => Fixture.State<CoFundingProject>(ProjectId) ?? throw new InvalidOperationException("The project has not been registered yet.");

    /// <summary>The read model as the pipeline keeps it.</summary>
    public CoFundingEligibility View => Fixture.View<CoFundingEligibility>(ProjectId)
        ?? throw new InvalidOperationException("The project has not been registered yet.");

    // ---- The project as it will be registered ---------------------------------------------------

    public ProjectScenario BuiltIn(int year)
    {
        Compound = Compound with { YearBuilt = year };
        return this;
    }

    public ProjectScenario WithoutAMaintenanceFund()
    {
        Compound = Compound with { HasMaintenanceFund = false };
        return this;
    }

    public ProjectScenario InCompound(string compoundId, string name)
    {
        Compound = Compound with { Id = compoundId, Name = name };
        return this;
    }

    public ProjectScenario Estimated(decimal cost)
    {
        EstimatedCost = cost;
        return this;
    }

    public ProjectScenario Described(string description)
    {
        Description = description;
        return this;
    }

    /// <summary>Replaces the funding lines.</summary>
    public ProjectScenario FundedBy(params Funding[] funding)
    {
        ArgumentNullException.ThrowIfNull(funding);
        _funding.Clear();
        _funding.AddRange(funding);
        return this;
    }

    /// <summary>
    /// Adds maintenance-fund money and references the vote, which is held (a spend of this amount) in the
    /// project's ledger before the registration; none references no vote.
    /// </summary>
    public ProjectScenario SpendingTheMaintenanceFund(decimal amount, HeldVote? vote)
    {
        _funding.Add(new Funding(FundingSource.MaintenanceFund, amount));
        _vote = vote;
        _voteAmount = amount;
        return ReferencingVote(vote?.VoteId);
    }

    /// <summary>References a vote by id, whether or not one is held under it.</summary>
    public ProjectScenario ReferencingVote(Guid? voteId)
    {
        _voteId = voteId;
        return this;
    }

    /// <summary>Registers (and decides everything after) under this version, whatever the rule book has in force.</summary>
    public ProjectScenario Under(RuleVersion version)
    {
        if (_fixture is not null)
        {
            throw new InvalidOperationException("Choose the rule version before the project's ledger is used.");
        }

        _book = CoFundingRuleBook.Default.Substituting(version);
        return this;
    }

    /// <summary>Keeps the project in the ledger the vote is held in, so the registration reads that vote's tally.</summary>
    public ProjectScenario BesideTheVote(VoteScenario vote)
    {
        ArgumentNullException.ThrowIfNull(vote);
        if (_fixture is not null)
        {
            throw new InvalidOperationException("The project's ledger is already in use.");
        }

        _fixture = vote.Fixture;
        return this;
    }

    public ProjectScenario RegisteringAt(DateTimeOffset at)
    {
        RegisteredAt = at;
        return this;
    }

    // ---- Registration --------------------------------------------------------------------------

    public RegisterProject RegisterCommand() => new(Compound, Description, EstimatedCost, _funding.ToList(), _voteId);

    /// <summary>When: register the project at a service window at <see cref="RegisteredAt"/>.</summary>
    public CommandOutcome Register() => Register(RegisterCommand());

    /// <summary>When: register with a command the test has shaped.</summary>
    public CommandOutcome Register(RegisterProject command)
    {
        if (_vote is { } vote)
        {
            Hold(vote, _voteAmount);
            _vote = null;
        }

        Now = RegisteredAt;
        return Fixture.Run(ProjectId, command, RegisteredAt);
    }

    public ProjectScenario Registered() => Given(Register());

    // ---- The works -----------------------------------------------------------------------------

    public CommandOutcome Start() => Fixture.Run(ProjectId, new StartProject(), NextDay());

    public ProjectScenario Started() => Given(Start());

    public CommandOutcome Complete(string acceptanceReference = "YL-ACC-2022-0917") =>
        Fixture.Run(ProjectId, new CompleteProject(acceptanceReference), NextDay());

    public ProjectScenario Completed() => Given(Complete());

    /// <summary>When: an audit report fixes (or revises) the final cost; each audit has its own reference.</summary>
    public CommandOutcome Audit(decimal auditedCost) => Audit(auditedCost, $"CS-AUD-2022-{++_audits:0000}");

    public CommandOutcome Audit(decimal auditedCost, string auditReference) =>
        Fixture.Run(ProjectId, new AuditFinalCost(auditedCost, auditReference), NextDay());

    public ProjectScenario Audited(decimal auditedCost) => Given(Audit(auditedCost));

    /// <summary>Given: registered, started, completed and audited at this cost.</summary>
    public ProjectScenario CompletedAndAuditedAt(decimal auditedCost) => Registered().Started().Completed().Audited(auditedCost);

    // ---- The grant -----------------------------------------------------------------------------

    /// <summary>When: decide the grant under the rule version the project was registered with.</summary>
    public CommandOutcome Award() => Fixture.Run(ProjectId, new DecideAward(), NextDay());

    /// <summary>
    /// The award the project would get, as it stands, had it been registered under another rule version
    /// (as a what-if replay decides it), appending nothing.
    /// </summary>
    public Decision AwardUnder(CoFundingRules rules) => AwardingTheGrant.Decide(new DecideAward(), Project with { Rules = rules }, NextDay());

    public ProjectScenario Awarded() => Given(Award());

    /// <summary>When: pay (or recover) what is due; each settlement has its own reference.</summary>
    public CommandOutcome Settle() => Settle($"PAY-2022-{++_settlements:0000}");

    public CommandOutcome Settle(string paymentReference) => Fixture.Run(ProjectId, new SettleGrant(paymentReference), NextDay());

    public ProjectScenario Settled() => Given(Settle());

    // ---- Plumbing ------------------------------------------------------------------------------

    /// <summary>
    /// Holds the vote a month before the registration, on a roll of three owners of 100 m² each: the
    /// owners vote for a week and the vote is closed at the end of its window, or the owners'
    /// committee decides the day after the opening.
    /// </summary>
    private void Hold(HeldVote vote, decimal amount)
    {
        var openedAt = RegisteredAt.AddMonths(-1);
        var opensAt = openedAt.AddHours(1);
        var closesAt = opensAt.AddDays(7);
        var roll = new[] { new RollEntry("U1", "O1", 100m), new RollEntry("U2", "O2", 100m), new RollEntry("U3", "O3", 100m) };
        var name = vote.CompoundId == Compound.Id ? Compound.Name : vote.CompoundId;
        var opened = Fixture.Given(vote.VoteId, new OpenVote(vote.CompoundId, name, new Proposal("Works paid from the maintenance fund", amount), roll,
            opensAt, closesAt), openedAt).Events.OfType<RenovationVoteOpened>().Single();
        if (opened.Route != vote.Route)
        {
            throw new InvalidOperationException($"A spend of {amount} takes the {opened.Route} route, not the {vote.Route} route the test holds.");
        }

        if (vote.Route == VotingRoute.Simplified)
        {
            Fixture.Given(vote.VoteId, new RecordCommitteeDecision(vote.Outcome == VoteOutcome.Passed, "Minute 2022-03 of the owners' committee"),
                openedAt.AddDays(1), new Acting("owners-committee", Channel.ServiceWindow, Role.Clerk));
            return;
        }

        if (vote.Outcome is not { } outcome)
        {
            return;
        }

        foreach (var (unit, i) in roll.Select((u, i) => (u, i)))
        {
            Fixture.Given(vote.VoteId, new CastBallot(unit.UnitId, unit.OwnerId, outcome == VoteOutcome.Passed ? BallotChoice.Yes : BallotChoice.No),
                opensAt.AddMinutes(i + 1), new Acting(unit.OwnerId, Channel.OnlinePlatform, Role.Resident));
        }

        Fixture.Given(vote.VoteId, new CloseVote(), closesAt);
    }

    private DateTimeOffset NextDay() => Now = Now.AddDays(1);

    private ProjectScenario Given(CommandOutcome outcome)
    {
        if (!outcome.IsAccepted)
        {
            throw new InvalidOperationException($"A step of the scenario's history was refused: {outcome.Rejection}");
        }

        return this;
    }
}

/// <summary>Then-assertions for co-funding outcomes.</summary>
internal static class CoFundingAssertions
{
    /// <summary>The command was accepted with exactly these two events, in this order.</summary>
    public static (T1 First, T2 Second) ShouldAppendTwo<T1, T2>(this CommandOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        outcome.Rejection.ShouldBeNull();
        outcome.Events.Count.ShouldBe(2);
        return (outcome.Events[0].ShouldBeOfType<T1>(), outcome.Events[1].ShouldBeOfType<T2>());
    }

    /// <summary>The project was registered; the event says whether it qualifies.</summary>
    public static ProjectRegistered ShouldRegister(this CommandOutcome outcome) => outcome.ShouldAppendOne<ProjectRegistered>();

    /// <summary>A decision taken directly (not through the pipeline) was refused with this code.</summary>
    public static Rejection ShouldBeRejectedWith(this Decision decision, string code)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.IsAccepted.ShouldBeFalse();
        decision.Events.ShouldBeEmpty();
        var rejection = decision.Rejection.ShouldNotBeNull();
        rejection.Code.ShouldBe(code);
        rejection.Reason.ShouldNotBeNullOrWhiteSpace();
        return rejection;
    }
}
