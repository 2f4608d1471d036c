using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.RenovationVotes;

/// <summary>The versions of the renovation-vote rule in the library's default rule book.</summary>
internal static class TheRules
{
    public static RuleBook Book { get; } = StandardKinds.Create().DefaultRules();

    /// <summary>Version "1": before the Civil Code, two-thirds of all owners and area consent.</summary>
    public static RenovationVoteRules OldRule { get; } = Book.Get<RenovationVoteRules>(RenovationVoteRules.RuleId, "1");

    /// <summary>Version "2": the Civil Code, two-thirds take part and more than half of them consent.</summary>
    public static RenovationVoteRules CivilCode { get; } = Book.Get<RenovationVoteRules>(RenovationVoteRules.RuleId, "2");
}

/// <summary>
/// Builds the history of one renovation vote through the command pipeline on an in-memory ledger
/// (<see cref="CaseFixture"/>: the vote's own declarations, decisions, roll documents and read
/// model), so tests read as "given this roll and these ballots, when this happens, then this outcome".
/// Steps named in the past tense (<see cref="Opened"/>, <see cref="Voted"/>, ...) are givens: they
/// must be accepted. Steps named as commands (<see cref="Cast"/>, <see cref="Close"/>, ...) are the
/// "when": they return the <see cref="CommandOutcome"/>; a refused one appends nothing.
/// </summary>
internal sealed class VoteScenario
{
    /// <summary>A Monday morning in Changsha, well inside the Civil Code's time.</summary>
    public static readonly DateTimeOffset DefaultOpenedAt = new(2024, 5, 6, 9, 0, 0, TimeSpan.FromHours(8));

    private readonly List<RollEntry> _roll = [];
    private readonly CaseFixture _fixture;
    private int _ballotsCast;

    private VoteScenario(RenovationVoteRules rules)
    {
        Rules = rules;
        _fixture = new CaseFixture(StandardKinds.Create(), TheRules.Book.Substituting(TheRules.Book.Get(rules.Rule.Id, rules.Rule.Version)));
    }

    public static VoteScenario UnderTheCivilCode() => new(TheRules.CivilCode);

    public static VoteScenario UnderTheOldRule() => new(TheRules.OldRule);

    public static VoteScenario Under(RenovationVoteRules rules) => new(rules);

    /// <summary>A vote opened at <paramref name="openedAt"/> under the version the rule book has in force then.</summary>
    public static VoteScenario OpenedUnderTheRuleInForceAt(DateTimeOffset openedAt) =>
        new(TheRules.Book.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, openedAt), TheRules.Book) { OpenedAt = openedAt };

    private VoteScenario(RenovationVoteRules rules, RuleBook book)
    {
        Rules = rules;
        _fixture = new CaseFixture(StandardKinds.Create(), book);
    }

    public Guid VoteId { get; } = Guid.NewGuid();

    /// <summary>The ledger the vote is held in, for cases of other kinds that read it (a co-funded project reads its tally).</summary>
    public CaseFixture Fixture => _fixture;

    public RenovationVoteRules Rules { get; }

    public DateTimeOffset OpenedAt { get; private init; } = DefaultOpenedAt;

    /// <summary>Voting starts an hour after the vote is opened ...</summary>
    public DateTimeOffset OpensAt => OpenedAt.AddHours(1);

    /// <summary>... and runs for a week.</summary>
    public DateTimeOffset ClosesAt => OpensAt.AddDays(7);

    /// <summary>The proposed spend; by default well above every small-project limit.</summary>
    public decimal Amount { get; private set; } = 120_000.00m;

    public IReadOnlyList<RollEntry> Roll => _roll;

    /// <summary>Every accepted event so far with its metadata, as the store would record it.</summary>
    public IReadOnlyList<RecordedEvent> Recorded => _fixture.Recorded(VoteId);

    /// <summary>Every accepted event so far, in order.</summary>
    public IReadOnlyList<object> History => _fixture.Events(VoteId);

    public VoteTally State => _fixture.State<VoteTally>(VoteId) ?? throw new InvalidOperationException("The vote has not been opened yet.");

    /// <summary>The read model as the pipeline keeps it.</summary>
    public VoteTally Tally => _fixture.View<VoteTally>(VoteId) ?? throw new InvalidOperationException("The vote has not been opened yet.");

    /// <summary>The standing ballot of a unit's member, as the roll document under that unit holds it.</summary>
    public MemberBallot Standing(string unitId) =>
        _fixture.Document<MemberBallot>(MemberBallot.IdFor(VoteId, unitId)) ?? throw new InvalidOperationException($"No unit {unitId} on the roll.");

    /// <summary>A unit's roll document.</summary>
    public VoteUnit UnitDocument(string unitId) =>
        _fixture.Document<VoteUnit>(VoteUnit.IdFor(VoteId, unitId)) ?? throw new InvalidOperationException($"No unit {unitId} on the roll.");

    // ---- The roll ------------------------------------------------------------------------------

    /// <summary>An owner holding one unit per area given; the units are named "owner-1", "owner-2", ...</summary>
    public VoteScenario Owner(string ownerId, params decimal[] unitAreas)
    {
        ArgumentNullException.ThrowIfNull(unitAreas);
        var held = _roll.Count(u => u.OwnerId == ownerId);
        foreach (var area in unitAreas)
        {
            _roll.Add(new RollEntry($"{ownerId}-{++held}", ownerId, area));
        }

        return this;
    }

    /// <summary>Several owners, each holding one unit of the same area.</summary>
    public VoteScenario Owners(decimal area, params string[] ownerIds)
    {
        ArgumentNullException.ThrowIfNull(ownerIds);
        foreach (var owner in ownerIds)
        {
            Owner(owner, area);
        }

        return this;
    }

    /// <summary>A unit with an owner and any co-owners, exactly as it goes on the roll.</summary>
    public VoteScenario Unit(string unitId, decimal area, string ownerId, params string[] coOwnerIds)
    {
        ArgumentNullException.ThrowIfNull(coOwnerIds);
        _roll.Add(new RollEntry(unitId, ownerId, area, coOwnerIds.Length == 0 ? null : coOwnerIds));
        return this;
    }

    public VoteScenario Spending(decimal amount)
    {
        Amount = amount;
        return this;
    }

    // ---- Opening -------------------------------------------------------------------------------

    public OpenVote OpenCommand() =>
        new("compound-xiangya-garden", "Xiangya Garden", new Proposal("Roof waterproofing, buildings 1-8", Amount),
            _roll.ToList(), OpensAt, ClosesAt);

    /// <summary>When: open the vote (through the online platform) at <see cref="OpenedAt"/>.</summary>
    public CommandOutcome Open() => Open(OpenCommand());

    /// <summary>When: open the vote with a command the test has shaped.</summary>
    public CommandOutcome Open(OpenVote command) => _fixture.Run(VoteId, command, OpenedAt, new Acting("clerk-1", Channel.OnlinePlatform, Role.Clerk));

    /// <summary>Given: the vote was opened.</summary>
    public VoteScenario Opened() => Given(Open());

    // ---- Ballots -------------------------------------------------------------------------------

    /// <summary>Given: each named owner cast this ballot, through the first unit they own, in this order.</summary>
    public VoteScenario Voted(BallotChoice choice, params string[] voterIds)
    {
        ArgumentNullException.ThrowIfNull(voterIds);
        foreach (var voter in voterIds)
        {
            Given(Cast(voter, choice));
        }

        return this;
    }

    /// <summary>Given: the owner took their ballot back.</summary>
    public VoteScenario Withdrew(string voterId) => Given(Withdraw(voterId));

    /// <summary>When: an owner casts a ballot through the first unit they own (or co-own), a minute after the last ballot.</summary>
    public CommandOutcome Cast(string voterId, BallotChoice choice) => CastFor(UnitOf(voterId), voterId, choice);

    /// <summary>When: a ballot for a named unit, a minute after the last ballot.</summary>
    public CommandOutcome CastFor(string unitId, string voterId, BallotChoice choice) => CastFor(unitId, voterId, choice, NextBallotTime());

    /// <summary>When: a ballot for a named unit at a given moment.</summary>
    public CommandOutcome CastFor(string unitId, string voterId, BallotChoice choice, DateTimeOffset at) =>
        _fixture.Run(VoteId, new CastBallot(unitId, voterId, choice), at, new Acting(voterId, Channel.OnlinePlatform, Role.Resident));

    /// <summary>When: an owner withdraws the ballot of the first unit they own.</summary>
    public CommandOutcome Withdraw(string voterId) => WithdrawFor(UnitOf(voterId), voterId);

    public CommandOutcome WithdrawFor(string unitId, string voterId) =>
        _fixture.Run(VoteId, new WithdrawBallot(unitId, voterId), NextBallotTime(), new Acting(voterId, Channel.OnlinePlatform, Role.Resident));

    // ---- Closing -------------------------------------------------------------------------------

    /// <summary>When: close the vote the moment its window ends, under the rule it was opened with.</summary>
    public CommandOutcome Close() => CloseAt(ClosesAt);

    public CommandOutcome CloseAt(DateTimeOffset now) => _fixture.Run(VoteId, new CloseVote(), now);

    /// <summary>The count of the vote as it stands under another rule version (as a what-if replay counts it), appending nothing.</summary>
    public Decision CountUnder(RenovationVoteRules rules) => ClosingAVote.Decide(new CloseVote(), State with { Rules = rules }, ClosesAt);

    /// <summary>Given: the vote was closed.</summary>
    public VoteScenario Closed() => Given(Close());

    /// <summary>When: the owners' committee's decision is recorded (simplified route), the day after opening.</summary>
    public CommandOutcome RecordCommitteeDecision(bool approved, string note) =>
        _fixture.Run(VoteId, new RecordCommitteeDecision(approved, note), OpenedAt.AddDays(1), new Acting("owners-committee", Channel.ServiceWindow, Role.Clerk));

    /// <summary>Given: the committee decided.</summary>
    public VoteScenario CommitteeDecided(bool approved) => Given(RecordCommitteeDecision(approved, "Minute 2024-17 of the owners' committee"));

    // ---- Plumbing ------------------------------------------------------------------------------

    private string UnitOf(string voterId) =>
        _roll.FirstOrDefault(u => u.Owners.Contains(voterId))?.UnitId
        ?? throw new InvalidOperationException($"'{voterId}' owns no unit on the roll; name the unit with CastFor.");

    private DateTimeOffset NextBallotTime() => OpensAt.AddMinutes(++_ballotsCast);

    private VoteScenario Given(CommandOutcome decision)
    {
        if (!decision.IsAccepted)
        {
            throw new InvalidOperationException($"A step of the scenario's history was refused: {decision.Rejection}");
        }

        return this;
    }
}

/// <summary>Then-assertions on decisions and on the criteria of a count.</summary>
internal static class DecisionAssertions
{
    /// <summary>The command was accepted with exactly one event, of type <typeparamref name="T"/>.</summary>
    public static T ShouldAppendOne<T>(this CommandOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        outcome.Rejection.ShouldBeNull();
        return outcome.Events.ShouldHaveSingleItem().ShouldBeOfType<T>();
    }

    /// <summary>The decision was accepted with exactly one event, of type <typeparamref name="T"/>.</summary>
    public static T ShouldAppendOne<T>(this Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.Rejection.ShouldBeNull();
        return decision.Events.ShouldHaveSingleItem().ShouldBeOfType<T>();
    }

    /// <summary>The command was refused with this code, and appended nothing.</summary>
    public static Rejection ShouldBeRejectedWith(this CommandOutcome outcome, string code)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        outcome.IsAccepted.ShouldBeFalse();
        outcome.Events.ShouldBeEmpty();
        outcome.Appended.ShouldBeEmpty();
        var rejection = outcome.Rejection.ShouldNotBeNull();
        rejection.Code.ShouldBe(code);
        rejection.Reason.ShouldNotBeNullOrWhiteSpace();
        return rejection;
    }

    /// <summary>The closed event of an accepted close.</summary>
    public static RenovationVoteClosed ShouldCloseTheVote(this CommandOutcome outcome) => outcome.ShouldAppendOne<RenovationVoteClosed>();

    /// <summary>The closed event of a count decided directly.</summary>
    public static RenovationVoteClosed ShouldCloseTheVote(this Decision decision) => decision.ShouldAppendOne<RenovationVoteClosed>();

    /// <summary>The result of one clause.</summary>
    public static CriterionResult Clause(this IEnumerable<CriterionResult> criteria, string clause) =>
        criteria.Where(c => c.Clause == clause).ShouldHaveSingleItem();

    public static bool Met(this RenovationVoteClosed closed, string clause)
    {
        ArgumentNullException.ThrowIfNull(closed);
        return closed.Criteria.Clause(clause).Met;
    }

    /// <summary>Which clauses failed, by id: a count that fails for the intended reason and no other.</summary>
    public static IReadOnlyList<string> Unmet(this RenovationVoteClosed closed)
    {
        ArgumentNullException.ThrowIfNull(closed);
        return closed.Criteria.Where(c => !c.Met).Select(c => c.Clause).ToList();
    }
}
