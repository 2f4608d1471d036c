using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Tests.CoFunding;

/// <summary>The co-funding rule as the library's default rule book has it, and what-if versions beside it.</summary>
internal static class CoFundingRuleBook
{
    public static RuleBook Default { get; } = RuleBook.Default();

    /// <summary>Version "1": compounds built 2000-2015 with a maintenance fund, 30% of the audited cost, half each.</summary>
    public static CoFundingRules Version1 { get; } = Default.Get<CoFundingRules>(CoFundingRules.RuleId, "1");

    /// <summary>
    /// The default rule book plus one proposed version of the co-funding rule with the given parameters,
    /// written the way a rule file writes them.
    /// </summary>
    public static RuleBook WithProposedVersion(string version, string parametersJson) =>
        new RuleBook.Builder()
            .AddDefault()
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

    /// <summary>The parameters of a proposed version, read through the rule book exactly as a rule file's.</summary>
    public static CoFundingRules Proposed(string version, string parametersJson) =>
        WithProposedVersion(version, parametersJson).Get<CoFundingRules>(CoFundingRules.RuleId, version);
}

/// <summary>What a co-funding decision may know of a renovation vote, built directly for rule tests.</summary>
internal static class Votes
{
    public static VoteReference PassedByTheOwners(string compoundId) =>
        new(Guid.NewGuid(), compoundId, VotingRoute.FullVote, VoteStatus.Decided, VoteOutcome.Passed);

    public static VoteReference FailedAmongTheOwners(string compoundId) =>
        new(Guid.NewGuid(), compoundId, VotingRoute.FullVote, VoteStatus.Decided, VoteOutcome.Failed);

    public static VoteReference StillOpen(string compoundId) =>
        new(Guid.NewGuid(), compoundId, VotingRoute.FullVote, VoteStatus.Open, null);

    public static VoteReference ApprovedByTheCommittee(string compoundId) =>
        new(Guid.NewGuid(), compoundId, VotingRoute.Simplified, VoteStatus.Decided, VoteOutcome.Passed);

    public static VoteReference RefusedByTheCommittee(string compoundId) =>
        new(Guid.NewGuid(), compoundId, VotingRoute.Simplified, VoteStatus.Decided, VoteOutcome.Failed);
}

/// <summary>
/// Builds the history of one co-funded project by calling the pure decision functions, folding every
/// accepted event into the write-side state with <see cref="CoFundingProjectProjection.Evolve"/> and,
/// on demand, into the read model with <see cref="CoFundingEligibilityProjection.Evolve"/>.
/// Steps named in the past tense (<see cref="Registered"/>, <see cref="Audited"/>, ...) are givens and
/// must be accepted; steps named as commands (<see cref="Register()"/>, <see cref="Award()"/>, ...) are the
/// "when": they return the <see cref="Decision"/> and fold its events only if it was accepted.
/// By default the project is Camphor Court's (built 2004, with a maintenance fund, 306 households),
/// paid from public income and self-raised money, registered on 1 March 2022 in Changsha.
/// </summary>
internal sealed class ProjectScenario
{
    public static readonly DateTimeOffset DefaultRegisteredAt = new(2022, 3, 1, 10, 0, 0, TimeSpan.FromHours(8));

    /// <summary>Camphor Court's audited final cost: its grant is 234,370.935 before rounding.</summary>
    public const decimal CamphorCourtAuditedCost = 781_236.45m;

    private readonly List<object> _history = [];
    private readonly List<Funding> _funding =
    [
        new(FundingSource.CompoundPublicIncome, 426_000.00m),
        new(FundingSource.ResidentsSelfRaised, 372_500.00m),
    ];

    private CoFundingProject? _state;
    private CoFundingRules? _rules;
    private bool _rulesChosen;
    private Guid? _voteId;
    private VoteReference? _vote;
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

    /// <summary>The rule version the project is registered under: the one chosen, or the one in force at registration.</summary>
    public CoFundingRules? Rules =>
        _rulesChosen ? _rules : CoFundingRuleBook.Default.TryInForce<CoFundingRules>(CoFundingRules.RuleId, RegisteredAt);

    /// <summary>Every accepted event so far, in order.</summary>
    public IReadOnlyList<object> History => _history;

    public CoFundingProject Project => _state ?? throw new InvalidOperationException("The project has not been registered yet.");

    /// <summary>The read model folded from the same history.</summary>
    public CoFundingEligibility View => Fold.Events<CoFundingEligibility>(CoFundingEligibilityProjection.Evolve, _history)
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

    /// <summary>Adds maintenance-fund money and references the vote (its id, and what the handler would have read of it).</summary>
    public ProjectScenario SpendingTheMaintenanceFund(decimal amount, VoteReference? vote)
    {
        _funding.Add(new Funding(FundingSource.MaintenanceFund, amount));
        return ReferencingVote(vote?.VoteId, vote);
    }

    /// <summary>
    /// References a vote by id; <paramref name="found"/> is what the handler found under that id in the
    /// district (null: nothing).
    /// </summary>
    public ProjectScenario ReferencingVote(Guid? voteId, VoteReference? found)
    {
        _voteId = voteId;
        _vote = found;
        return this;
    }

    /// <summary>Registers under this rule version whatever the rule book has in force.</summary>
    public ProjectScenario Under(CoFundingRules rules)
    {
        _rules = rules;
        _rulesChosen = true;
        return this;
    }

    public ProjectScenario RegisteringAt(DateTimeOffset at)
    {
        RegisteredAt = at;
        return this;
    }

    // ---- Registration --------------------------------------------------------------------------

    public RegisterProject RegisterCommand() =>
        new(ProjectId, Compound, Description, EstimatedCost, _funding.ToList(), _voteId);

    /// <summary>When: register the project at a service window at <see cref="RegisteredAt"/>.</summary>
    public Decision Register() => Register(RegisterCommand());

    /// <summary>When: register with a command the test has shaped.</summary>
    public Decision Register(RegisterProject command)
    {
        Now = RegisteredAt;
        return Apply(RegisteringAProject.Decide(command, _vote, Channel.ServiceWindow, RegisteredAt, Rules));
    }

    public ProjectScenario Registered() => Given(Register());

    // ---- The works -----------------------------------------------------------------------------

    public Decision Start() => Apply(AdvancingAProject.Decide(new StartProject(ProjectId), Project, NextDay()));

    public ProjectScenario Started() => Given(Start());

    public Decision Complete(string acceptanceReference = "YL-ACC-2022-0917") =>
        Apply(AdvancingAProject.Decide(new CompleteProject(ProjectId, acceptanceReference), Project, NextDay()));

    public ProjectScenario Completed() => Given(Complete());

    /// <summary>When: an audit report fixes (or revises) the final cost; each audit has its own reference.</summary>
    public Decision Audit(decimal auditedCost) => Audit(auditedCost, $"CS-AUD-2022-{++_audits:0000}");

    public Decision Audit(decimal auditedCost, string auditReference) =>
        Apply(AdvancingAProject.Decide(new AuditFinalCost(ProjectId, auditedCost, auditReference), Project, NextDay()));

    public ProjectScenario Audited(decimal auditedCost) => Given(Audit(auditedCost));

    /// <summary>Given: registered, started, completed and audited at this cost.</summary>
    public ProjectScenario CompletedAndAuditedAt(decimal auditedCost) => Registered().Started().Completed().Audited(auditedCost);

    // ---- The grant -----------------------------------------------------------------------------

    /// <summary>When: decide the grant under the rule version the project was registered with.</summary>
    public Decision Award() => Apply(AwardingTheGrant.Decide(new DecideAward(ProjectId), Project, NextDay()));

    /// <summary>When: a what-if award under another rule version.</summary>
    public Decision AwardUnder(CoFundingRules rules) =>
        Apply(AwardingTheGrant.Decide(new DecideAward(ProjectId), Project, NextDay(), rules));

    public ProjectScenario Awarded() => Given(Award());

    /// <summary>When: pay (or recover) what is due; each settlement has its own reference.</summary>
    public Decision Settle() => Settle($"PAY-2022-{++_settlements:0000}");

    public Decision Settle(string paymentReference) =>
        Apply(AwardingTheGrant.Decide(new SettleGrant(ProjectId, paymentReference), Project, NextDay()));

    public ProjectScenario Settled() => Given(Settle());

    // ---- Plumbing ------------------------------------------------------------------------------

    private DateTimeOffset NextDay() => Now = Now.AddDays(1);

    private Decision Apply(Decision decision)
    {
        if (decision.IsAccepted)
        {
            foreach (var e in decision.Events)
            {
                _history.Add(e);
                _state = CoFundingProjectProjection.Evolve(_state, e);
            }
        }

        return decision;
    }

    private ProjectScenario Given(Decision decision)
    {
        if (!decision.IsAccepted)
        {
            throw new InvalidOperationException($"A step of the scenario's history was refused: {decision.Rejection}");
        }

        return this;
    }
}

/// <summary>Then-assertions for decisions that append more than one event.</summary>
internal static class CoFundingAssertions
{
    /// <summary>The decision was accepted with exactly these two events, in this order.</summary>
    public static (T1 First, T2 Second) ShouldAppendTwo<T1, T2>(this Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.Rejection.ShouldBeNull();
        decision.Events.Count.ShouldBe(2);
        return (decision.Events[0].ShouldBeOfType<T1>(), decision.Events[1].ShouldBeOfType<T2>());
    }

    /// <summary>The project was registered; the event says whether it qualifies.</summary>
    public static ProjectRegistered ShouldRegister(this Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.Rejection.ShouldBeNull();
        return decision.Events.ShouldHaveSingleItem().ShouldBeOfType<ProjectRegistered>();
    }
}
