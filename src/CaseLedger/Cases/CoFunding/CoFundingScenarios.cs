using System.Globalization;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;
using FactFormat = CaseLedger.Scenarios.Facts;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// Reads and runs co-funding scenarios (grammar in docs/scenarios/co-funding-award.md). The given
/// section describes the compound, the money, the renovation vote the project references and the
/// project's history as dated steps; the when section is one step (register, start, complete, audit,
/// award or settle). Every step is decided by the kind's own pure decisions and folded with its own
/// evolve functions; in the store the same steps go through <see cref="CaseCommands"/>.
/// </summary>
public sealed class CoFundingScenarios : IScenarioDriver
{
    private static readonly Acting Clerk = new("scenario-runner", Channel.ServiceWindow);

    private static readonly string[] GivenKeys =
        ["compound", "description", "estimate", "funding", "vote", "registered", "started", "completed", "audited", "awarded", "settled"];

    private static readonly string[] WhenKeys = ["register", "start", "complete", "audit", "award", "settle"];

    /// <summary>The tiny roll of the renovation votes set up for store runs: three owners of 100 m² each.</summary>
    private static readonly IReadOnlyList<RollEntry> VoteRoll =
        [new("U1", "O1", 100.00m), new("U2", "O2", 100.00m), new("U3", "O3", 100.00m)];

    private static readonly Lazy<RuleBook> DefaultBook = new(RuleBook.Default);

    private readonly RuleBook _book;

    /// <summary>A driver that reads the renovation-vote limits, and whether any co-funding version is in force, from the default rule book.</summary>
    public CoFundingScenarios()
        : this(DefaultBook.Value)
    {
    }

    /// <summary>
    /// A driver that consults <paramref name="book"/> for two things the scenario's own rule version
    /// cannot say: whether any co-funding version was in force on a registration day, and the
    /// small-project limit the referenced renovation vote was opened under.
    /// </summary>
    public CoFundingScenarios(RuleBook book) => _book = book ?? throw new ArgumentNullException(nameof(book));

    public string Kind => CoFundingKind.KindName;

    public string RuleId => CoFundingRules.RuleId;

    public IReadOnlyList<ClauseInfo> Clauses { get; } = Eligibility.All.Select(c => new ClauseInfo(c.Clause, c.Requirement)).ToList();

    public IReadOnlyList<string> Facts { get; } =
    [
        "outcome", "eligible", "stage", "rule", "estimate", "other-money", "audited-cost", "audit-revisions",
        "grant", "city-share", "district-share", "adjustments", "adjustment", "adjustment-city-share", "adjustment-district-share",
        "paid", "balance",
    ];

    public Observation Run(Scenario scenario, RuleVersion rule)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(rule);
        var plan = Read(scenario);
        var caseId = Guid.NewGuid();
        var (voteId, vote) = plan.Vote is { } described ? described.Reference() : (null, null);
        var history = new List<object>();
        CoFundingProject? state = null;

        StepResult Take(Step step)
        {
            var ruling = Decide(step, state, caseId, voteId, vote, plan, scenario, rule);
            var events = ruling.Decision.Events;
            if (ruling.Decision.IsAccepted)
            {
                foreach (var e in events)
                {
                    history.Add(e);
                    state = CoFundingProjectProjection.Evolve(state, e);
                }
            }

            return new StepResult(ruling.Decision.Rejection, events, events.Select(e => CoFundingKind.EventNames[e.GetType()]).ToList(), ruling.Clauses);
        }

        foreach (var step in plan.Given)
        {
            Given(step, Take(step));
        }

        var outcome = Take(plan.When);
        return Observe(outcome, Fold.Events<CoFundingEligibility>(CoFundingEligibilityProjection.Evolve, history));
    }

    public async Task<Observation> RunInStoreAsync(Scenario scenario, RuleVersion rule, IDocumentStore store, string district, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(store);
        var plan = Read(scenario);
        var caseId = Guid.NewGuid();
        Guid? voteId = plan.Vote switch
        {
            null => null,
            { Outcome: VoteWord.Missing } => Guid.NewGuid(),
            { } described => await CreateVoteAsync(store, district, described, plan, ct),
        };

        async Task<StepResult> Take(Step step)
        {
            Ruling? ruling = null;
            CommandOutcome outcome;
            await using (var session = store.LightweightSession(district))
            {
                if (step.Kind == StepKind.Register)
                {
                    // As the registration handler does: the decision sees what the vote's read model says.
                    var vote = voteId is { } id && await session.LoadAsync<VoteTally>(id, ct) is { } tally ? VoteReference.From(tally) : null;
                    outcome = await CaseCommands.StartAsync<CoFundingProject>(session, caseId, Clerk,
                        () => (ruling = Decide(step, null, caseId, voteId, vote, plan, scenario, rule)).Decision, ct);
                }
                else
                {
                    outcome = await CaseCommands.ExecuteAsync<CoFundingProject>(session, caseId, null, Clerk,
                        project => (ruling = Decide(step, project, caseId, voteId, null, plan, scenario, rule)).Decision, ct);
                }
            }

            return new StepResult(outcome.Rejection, [], [], ruling?.Clauses ?? []);
        }

        foreach (var step in plan.Given)
        {
            Given(step, await Take(step));
        }

        long before;
        await using (var query = store.QuerySession(district))
        {
            before = (await query.Events.FetchStreamStateAsync(caseId, ct))?.Version ?? 0;
        }

        var result = await Take(plan.When);
        await using (var query = store.QuerySession(district))
        {
            if (result.Rejection is null)
            {
                // The outcome is read back from what the store holds, not from what the decision returned.
                var appended = (await query.Events.FetchStreamAsync(caseId, token: ct)).Where(e => e.Version > before).ToList();
                result = result with { Events = appended.Select(e => e.Data).ToList(), EventTypes = appended.Select(e => e.EventTypeName).ToList() };
            }

            return Observe(result, await query.LoadAsync<CoFundingEligibility>(caseId, ct));
        }
    }

    // ---- Deciding one step ---------------------------------------------------------------------

    private Ruling Decide(Step step, CoFundingProject? project, Guid caseId, Guid? voteId, VoteReference? vote, Plan plan, Scenario scenario, RuleVersion rule)
    {
        if (step.Kind == StepKind.Register)
        {
            var command = new RegisterProject(caseId, plan.Compound, plan.Description, plan.Estimate, plan.Funding, voteId);
            return RegisteringAProject.Judge(command, vote, Clerk.Channel, step.At, RulesOnRegistration(scenario, rule, step.At));
        }

        if (project is null)
        {
            // Only reachable in the store, when the registration itself was refused as the when step.
            return Ruling.Of(Decision.Reject(CaseCommands.NotFound(caseId)));
        }

        return step.Kind switch
        {
            StepKind.Start => Ruling.Of(AdvancingAProject.Decide(new StartProject(caseId), project, step.At)),
            StepKind.Complete => Ruling.Of(AdvancingAProject.Decide(new CompleteProject(caseId, step.Reference ?? ""), project, step.At)),
            StepKind.Audit => AdvancingAProject.Judge(new AuditFinalCost(caseId, step.Cost, step.Reference ?? ""), project, step.At),
            StepKind.Award => AwardingTheGrant.Judge(new DecideAward(caseId), project, step.At),
            StepKind.Settle => Ruling.Of(AwardingTheGrant.Decide(new SettleGrant(caseId, step.Reference ?? ""), project, step.At)),
            _ => throw new InvalidOperationException($"Unknown step {step.Kind}."),
        };
    }

    /// <summary>
    /// The scenario's rule version decides the registration, whatever the date, unless the registration
    /// day comes before that version and the rule book has no version at all in force that day: then
    /// no programme was running and the registration is refused (co-funding.rule-in-force).
    /// </summary>
    private CoFundingRules? RulesOnRegistration(Scenario scenario, RuleVersion rule, DateTimeOffset at)
    {
        try
        {
            var day = _book.LocalDate(at);
            return day < rule.EffectiveFrom && _book.TryInForce<CoFundingRules>(CoFundingRules.RuleId, at) is null
                ? null
                : RuleBook.Parameters<CoFundingRules>(rule);
        }
        catch (RuleBookException e)
        {
            throw new ScenarioFormatException(scenario.File, scenario.Line, e.Message);
        }
    }

    private static void Given(Step step, StepResult result)
    {
        if (result.Rejection is { } refused)
        {
            throw step.Node.Error($"this step of the history was refused ({refused.Code}: {refused.Reason}); a given step must be accepted");
        }
    }

    private static Observation Observe(StepResult result, CoFundingEligibility? view) =>
        new(result.Rejection, result.Events, result.EventTypes, result.Clauses, FactsOf(view));

    private static Dictionary<string, string> FactsOf(CoFundingEligibility? view)
    {
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (view is null)
        {
            return facts;
        }

        facts["outcome"] = CoFundingWhatIf.OutcomeOf(view.Grant is not null, view.Eligible);
        facts["eligible"] = view.Eligible ? "yes" : "no";
        facts["stage"] = FactFormat.Of(view.Stage);
        facts["rule"] = view.Rule.ToString();
        facts["estimate"] = FactFormat.Of(view.EstimatedCost);
        facts["other-money"] = FactFormat.Of(view.OtherMoney);
        facts["audit-revisions"] = view.AuditRevisions.ToString(CultureInfo.InvariantCulture);
        if (view.AuditedCost is { } audited)
        {
            facts["audited-cost"] = FactFormat.Of(audited);
        }

        if (view.Grant is { } grant)
        {
            facts["grant"] = FactFormat.Of(grant.Total);
            facts["city-share"] = FactFormat.Of(grant.City);
            facts["district-share"] = FactFormat.Of(grant.District);
        }

        facts["adjustments"] = view.Adjustments.Count.ToString(CultureInfo.InvariantCulture);
        if (view.Adjustments.Count > 0)
        {
            var last = view.Adjustments[^1].Difference;
            facts["adjustment"] = FactFormat.Of(last.Total);
            facts["adjustment-city-share"] = FactFormat.Of(last.City);
            facts["adjustment-district-share"] = FactFormat.Of(last.District);
        }

        facts["paid"] = FactFormat.Of(view.Paid.Total);
        facts["balance"] = FactFormat.Of(view.Balance);
        return facts;
    }

    // ---- The referenced renovation vote in the store ----------------------------------------------

    /// <summary>
    /// Sets up a real renovation vote with the outcome the scenario describes, through the vote's own
    /// decisions: three owners all voting yes (passed) or no (failed), no ballots yet (open), or the
    /// owners' committee's decision on the simplified route.
    /// </summary>
    private static async Task<Guid> CreateVoteAsync(IDocumentStore store, string district, VotePlan vote, Plan plan, CancellationToken ct)
    {
        var id = Guid.NewGuid();
        var name = vote.CompoundId == plan.Compound.Id ? plan.Compound.Name : vote.CompoundId;
        var open = new OpenVote(id, vote.CompoundId, name, new Proposal("Renovation paid from the maintenance fund", vote.Amount), VoteRoll, vote.OpensAt, vote.ClosesAt);

        async Task Step(Func<IDocumentSession, Task<CommandOutcome>> step)
        {
            await using var session = store.LightweightSession(district);
            if ((await step(session)).Rejection is { } refused)
            {
                throw vote.Node.Error($"the renovation vote could not be set up ({refused.Code}: {refused.Reason})");
            }
        }

        Task OnVote(DateTimeOffset at, Func<RenovationVote, DateTimeOffset, Decision> decide) =>
            Step(session => CaseCommands.ExecuteAsync<RenovationVote>(session, id, null, Clerk, state => decide(state, at), ct));

        await Step(session => CaseCommands.StartAsync<RenovationVote>(session, id, Clerk,
            () => OpeningAVote.Decide(open, Clerk.Channel, vote.OpensAt, vote.Rules), ct));
        switch (vote.Outcome)
        {
            case VoteWord.Passed or VoteWord.Failed:
                var choice = vote.Outcome == VoteWord.Passed ? BallotChoice.Yes : BallotChoice.No;
                foreach (var unit in VoteRoll)
                {
                    await OnVote(vote.OpensAt.AddHours(1), (state, at) => CastingABallot.Decide(new CastBallot(id, unit.UnitId, unit.OwnerId, choice), state, at));
                }

                await OnVote(vote.ClosesAt, (state, at) => ClosingAVote.Decide(new CloseVote(id), state, at));
                break;
            case VoteWord.CommitteeApproved or VoteWord.CommitteeRefused:
                await OnVote(vote.OpensAt.AddDays(1), (state, at) => ClosingAVote.Decide(
                    new RecordCommitteeDecision(id, vote.Outcome == VoteWord.CommitteeApproved, "Owners' committee minute"), state, at));
                break;
            default:
                // Open: the vote is under way when the project is registered.
                break;
        }

        return id;
    }

    // ---- Reading a scenario ----------------------------------------------------------------------

    private enum StepKind
    {
        Register,
        Start,
        Complete,
        Audit,
        Award,
        Settle,
    }

    private enum VoteWord
    {
        Passed,
        Failed,
        Open,
        CommitteeApproved,
        CommitteeRefused,
        Missing,
    }

    private sealed record Step(StepKind Kind, ScenarioNode Node, DateTimeOffset At, string? Reference = null, decimal Cost = 0);

    private sealed record StepResult(Rejection? Rejection, IReadOnlyList<object> Events, IReadOnlyList<string> EventTypes, IReadOnlyList<CriterionResult> Clauses);

    private sealed record Plan(
        Compound Compound,
        string Description,
        decimal Estimate,
        IReadOnlyList<Funding> Funding,
        VotePlan? Vote,
        IReadOnlyList<Step> Given,
        Step When);

    /// <summary>The renovation vote a project references, as the scenario describes it.</summary>
    private sealed record VotePlan(
        VoteWord Outcome,
        decimal Amount,
        string CompoundId,
        DateTimeOffset OpensAt,
        DateTimeOffset ClosesAt,
        RenovationVoteRules Rules,
        ScenarioNode Node)
    {
        /// <summary>What the registration handler would read of this vote, built directly for in-memory runs.</summary>
        public (Guid? Id, VoteReference? Reference) Reference()
        {
            var id = Guid.NewGuid();
            VoteReference Of(VotingRoute route, VoteStatus status, VoteOutcome? outcome) => new(id, CompoundId, route, status, outcome, Amount);
            return Outcome switch
            {
                VoteWord.Passed => (id, Of(VotingRoute.FullVote, VoteStatus.Decided, VoteOutcome.Passed)),
                VoteWord.Failed => (id, Of(VotingRoute.FullVote, VoteStatus.Decided, VoteOutcome.Failed)),
                VoteWord.Open => (id, Of(VotingRoute.FullVote, VoteStatus.Open, null)),
                VoteWord.CommitteeApproved => (id, Of(VotingRoute.Simplified, VoteStatus.Decided, VoteOutcome.Passed)),
                VoteWord.CommitteeRefused => (id, Of(VotingRoute.Simplified, VoteStatus.Decided, VoteOutcome.Failed)),
                _ => (id, null),
            };
        }
    }

    private Plan Read(Scenario scenario)
    {
        var given = scenario.Given.OnlyKeys(GivenKeys);
        var compound = ReadCompound(given.Required("compound"));
        var funding = given.Get("funding") is { } fundingNode
            ? ReadFunding(fundingNode)
            : [new Funding(FundingSource.CompoundPublicIncome, 100_000.00m)];
        var estimate = given.Get("estimate")?.Number() ?? funding.Sum(f => f.Amount);
        var description = given.Get("description")?.Text ?? "Renovation of the compound";

        var counters = new Counters();
        var steps = new List<Step>();
        DateTimeOffset? last = null;
        foreach (var (key, node) in given.Entries)
        {
            foreach (var step in ReadSteps(key, node, counters, () => last))
            {
                steps.Add(step);
                last = step.At;
            }
        }

        var ordered = steps.OrderBy(s => s.At).ToList();
        var when = ReadWhen(scenario.When, counters, ordered.Count > 0 ? ordered.Max(s => s.At) : null);
        var registration = ordered.FirstOrDefault(s => s.Kind == StepKind.Register);
        if (registration is null && when.Kind != StepKind.Register)
        {
            throw given.Error("the project is never registered: add 'registered: <date>' here, or make the when step 'register'");
        }

        if (registration is not null && when.Kind == StepKind.Register)
        {
            throw when.Node.Error("the project is already registered in 'given' ('registered'); a project is registered once");
        }

        if (registration is not null && ordered[0] != registration)
        {
            throw ordered[0].Node.Error($"this step ({ordered[0].At:yyyy-MM-dd HH:mm}) comes before the registration ({registration.At:yyyy-MM-dd HH:mm})");
        }

        if (ordered.Count > 0 && when.At < ordered[^1].At)
        {
            throw when.Node.Error($"the when step ({when.At:yyyy-MM-dd HH:mm}) comes before the last given step ({ordered[^1].At:yyyy-MM-dd HH:mm}); it happens after the history");
        }

        var registeredAt = (registration ?? when).At;
        var fundSpend = funding.Where(f => f.Source == FundingSource.MaintenanceFund).Sum(f => f.Amount);
        var vote = given.Get("vote") is { } voteNode ? ReadVote(voteNode, compound.Id, fundSpend > 0 ? fundSpend : estimate, registeredAt) : null;
        return new Plan(compound, description, estimate, funding, vote, ordered, when);
    }

    private static Compound ReadCompound(ScenarioNode node)
    {
        node.OnlyKeys("id", "name", "built", "fund", "households");
        var name = node.Get("name")?.Text ?? "The compound";
        var id = node.Get("id")?.Text ?? string.Join('-', name.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return new Compound(id, name, node.Required("built").WholeNumber(), node.Required("fund").Flag(), node.Get("households")?.WholeNumber() ?? 100);
    }

    private static List<Funding> ReadFunding(ScenarioNode node)
    {
        var funding = new List<Funding>();
        foreach (var (key, value) in node.Entries)
        {
            var word = key.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
            if (word.Length == 0 || !char.IsLetter(word[0]) || !Enum.TryParse<FundingSource>(word, ignoreCase: true, out var source) || !Enum.IsDefined(source))
            {
                throw value.Error($"unknown funding source '{key}'; expected one of: {string.Join(", ", Enum.GetValues<FundingSource>().Select(Kebab))}");
            }

            funding.Add(new Funding(source, value.Number()));
        }

        return funding;
    }

    private VotePlan? ReadVote(ScenarioNode node, string compoundId, decimal defaultAmount, DateTimeOffset registeredAt)
    {
        string word;
        decimal? amount = null;
        var compound = compoundId;
        if (node.IsMapping)
        {
            node.OnlyKeys("outcome", "amount", "compound");
            word = node.Required("outcome").Text;
            amount = node.Get("amount")?.Number();
            compound = node.Get("compound")?.Text ?? compoundId;
        }
        else
        {
            var parts = node.Text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            word = parts.Length > 0 ? parts[0] : "";
            if (parts.Length > 2)
            {
                throw node.Error($"a vote is written '<outcome> [amount]', e.g. 'passed' or 'committee-approved 40000', not '{node.Text}'");
            }

            if (parts.Length == 2)
            {
                amount = decimal.TryParse(parts[1].Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
                    ? value
                    : throw node.Error($"'{parts[1]}' is not an amount");
            }
        }

        if (string.Equals(word, "none", StringComparison.OrdinalIgnoreCase))
        {
            return amount is null ? null : throw node.Error("'none' means no vote is referenced, so it has no amount");
        }

        var outcome = Enum.TryParse<VoteWord>(word.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && char.IsLetter(word[0])
            ? parsed
            : throw node.Error($"'{word}' is not a vote outcome; write one of: none, passed, failed, open, committee-approved, committee-refused, missing");
        var spend = amount ?? defaultAmount;
        if (spend <= 0 || decimal.Round(spend, 2) != spend)
        {
            throw node.Error($"the vote's amount is a positive number of yuan with at most two decimals, not {spend}");
        }

        // Decided votes closed a few days before the registration; an open one is still running then.
        var opensAt = outcome == VoteWord.Open ? registeredAt.AddDays(-1) : registeredAt.AddDays(-10);
        var closesAt = outcome == VoteWord.Open ? registeredAt.AddDays(6) : registeredAt.AddDays(-3);
        RenovationVoteRules rules;
        try
        {
            rules = _book.InForce<RenovationVoteRules>(RenovationVoteRules.RuleId, opensAt);
        }
        catch (RuleBookException e)
        {
            throw node.Error(e.Message);
        }

        if (outcome != VoteWord.Missing)
        {
            var simplified = spend < rules.SmallProjectLimit;
            var committee = outcome is VoteWord.CommitteeApproved or VoteWord.CommitteeRefused;
            if (simplified && !committee)
            {
                throw node.Error($"a spend of {Eligibility.Yuan(spend)} is below the small-project limit of {Eligibility.Yuan(rules.SmallProjectLimit)} " +
                    $"({rules.Rule}), so the owners' committee decides it: write 'committee-approved' or 'committee-refused'");
            }

            if (!simplified && committee)
            {
                throw node.Error($"a spend of {Eligibility.Yuan(spend)} is not below the small-project limit of {Eligibility.Yuan(rules.SmallProjectLimit)} " +
                    $"({rules.Rule}), so the owners vote on it: write 'passed', 'failed' or 'open'");
            }
        }

        return new VotePlan(outcome, spend, compound.Trim(), opensAt, closesAt, rules, node);
    }

    private sealed class Counters
    {
        public int Audits { get; set; }

        public int Settlements { get; set; }
    }

    private static IEnumerable<Step> ReadSteps(string key, ScenarioNode node, Counters counters, Func<DateTimeOffset?> last)
    {
        switch (key)
        {
            case "registered":
                yield return new Step(StepKind.Register, node, TimeOf(node, last()));
                break;
            case "started":
                yield return new Step(StepKind.Start, node, TimeOf(node, last()));
                break;
            case "awarded":
                yield return new Step(StepKind.Award, node, TimeOf(node, last()));
                break;
            case "completed":
                yield return Completion(node, last());
                break;
            case "audited":
                foreach (var item in node.IsSequence ? node.Items : [node])
                {
                    var audit = Audit(item, counters, last());
                    yield return audit;
                }

                break;
            case "settled":
                foreach (var item in node.IsSequence ? node.Items : [node])
                {
                    yield return Settlement(item, counters, last());
                }

                break;
            default:
                // compound, funding, vote, ...: facts of the project, not steps.
                break;
        }
    }

    private static Step ReadWhen(ScenarioNode when, Counters counters, DateTimeOffset? last)
    {
        if (when.IsScalar)
        {
            return When(when.Text, when, when, counters, last);
        }

        var entries = when.OnlyKeys(WhenKeys).Entries;
        return entries.Count == 1
            ? When(entries[0].Key, entries[0].Value, when, counters, last)
            : throw when.Error($"'when' is one step: one of {string.Join(", ", WhenKeys)}");
    }

    private static Step When(string key, ScenarioNode value, ScenarioNode when, Counters counters, DateTimeOffset? last)
    {
        // A bare step name ("when: award") has no value; its time is a day after the last given step.
        var node = value == when ? null : value;
        var next = last?.AddDays(1);
        DateTimeOffset At() => node is null || IsEmpty(node) ? next ?? throw when.Error($"give the time of the step, e.g. '{key}: 2022-03-01'") : node.Time();
        return key switch
        {
            "register" => new Step(StepKind.Register, when, At()),
            "start" => new Step(StepKind.Start, when, At()),
            "award" => new Step(StepKind.Award, when, At()),
            "complete" => node is null ? new Step(StepKind.Complete, when, At(), "ACC-1") : Completion(node, last) with { Node = when },
            "audit" => node is null ? throw when.Error("say the audited cost: 'audit: 781236.45' or 'audit: { cost: 781236.45, at: 2022-11-15 }'") : Audit(node, counters, last) with { Node = when },
            "settle" => node is null ? new Step(StepKind.Settle, when, At(), $"PAY-{++counters.Settlements}") : Settlement(node, counters, last) with { Node = when },
            _ => throw when.Error($"unknown step '{key}'; the when step is one of: {string.Join(", ", WhenKeys)}"),
        };
    }

    private static Step Completion(ScenarioNode node, DateTimeOffset? last)
    {
        if (!node.IsMapping)
        {
            return new Step(StepKind.Complete, node, TimeOf(node, last), "ACC-1");
        }

        node.OnlyKeys("at", "acceptance");
        return new Step(StepKind.Complete, node, TimeOf(node.Get("at"), node, last), node.Get("acceptance")?.Text ?? "ACC-1");
    }

    private static Step Audit(ScenarioNode node, Counters counters, DateTimeOffset? last)
    {
        var number = ++counters.Audits;
        if (!node.IsMapping)
        {
            return new Step(StepKind.Audit, node, Next(node, last), $"AUD-{number}", node.Number());
        }

        node.OnlyKeys("cost", "at", "reference");
        return new Step(StepKind.Audit, node, TimeOf(node.Get("at"), node, last), node.Get("reference")?.Text ?? $"AUD-{number}", node.Required("cost").Number());
    }

    private static Step Settlement(ScenarioNode node, Counters counters, DateTimeOffset? last)
    {
        var number = ++counters.Settlements;
        if (!node.IsMapping)
        {
            return new Step(StepKind.Settle, node, TimeOf(node, last), $"PAY-{number}");
        }

        node.OnlyKeys("at", "reference");
        return new Step(StepKind.Settle, node, TimeOf(node.Get("at"), node, last), node.Get("reference")?.Text ?? $"PAY-{number}");
    }

    /// <summary>A step's time: the one written, or (left empty) a day after the step written before it.</summary>
    private static DateTimeOffset TimeOf(ScenarioNode node, DateTimeOffset? last) => IsEmpty(node) ? Next(node, last) : node.Time();

    private static DateTimeOffset TimeOf(ScenarioNode? at, ScenarioNode owner, DateTimeOffset? last) => at is null ? Next(owner, last) : TimeOf(at, last);

    private static DateTimeOffset Next(ScenarioNode node, DateTimeOffset? last) =>
        last?.AddDays(1) ?? throw node.Error("give this step's time (e.g. 'at: 2022-11-15'); only a step after another may leave it out");

    private static bool IsEmpty(ScenarioNode node) => node.IsScalar && node.Text is "" or "~" or "null";

    private static string Kebab(FundingSource source) =>
        string.Concat(source.ToString().Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}
