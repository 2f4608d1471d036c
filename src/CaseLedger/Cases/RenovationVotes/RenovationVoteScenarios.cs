using System.Globalization;
using System.Text.RegularExpressions;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;
using FactText = CaseLedger.Scenarios.Facts;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>
/// Reads renovation-vote scenarios in the words of the rule (a roll of units, a spend, ballots, a
/// close) and runs them through the vote's own decisions: <see cref="OpeningAVote"/>,
/// <see cref="CastingABallot"/> and <see cref="ClosingAVote"/>, folded with the kind's evolve
/// functions. The grammar is described in <c>docs/scenarios/renovation-vote.md</c>.
/// </summary>
public sealed partial class RenovationVoteScenarios : IScenarioDriver
{
    /// <summary>When a scenario names neither a date nor an opening time: a Monday morning under the current rule.</summary>
    public static readonly DateTimeOffset DefaultOpenedAt = new(2024, 5, 6, 9, 0, 0, ChinaTime);

    /// <summary>A spend well above every small-project limit, so a scenario that names none is a full vote.</summary>
    public const decimal DefaultSpend = 120_000.00m;

    private const int DefaultDays = 7;

    private static readonly TimeSpan ChinaTime = TimeSpan.FromHours(8);

    public string Kind => RenovationVoteKind.KindName;

    public string RuleId => RenovationVoteRules.RuleId;

    public IReadOnlyList<ClauseInfo> Clauses { get; } =
    [
        new(Counting.ParticipationByAreaClause,
            "current rule: owners holding two-thirds or more of the total exclusive area take part (exactly 2/3 is enough)"),
        new(Counting.ParticipationByHeadcountClause,
            "current rule: two-thirds or more of all owners take part, each owner counted once (exactly 2/3 is enough)"),
        new(Counting.ConsentByAreaClause,
            "owners holding enough area say yes: 2/3 or more of the total area (old rule), more than half of the participating area (current rule)"),
        new(Counting.ConsentByHeadcountClause,
            "enough owners say yes: 2/3 or more of all owners (old rule), more than half of the participating owners (current rule)"),
        new(OpeningAVote.SmallProjectLimitClause,
            "met: the spend is strictly below the small-project limit, so the owners' committee decides (simplified route); not met: all owners vote"),
    ];

    public IReadOnlyList<string> Facts { get; } =
    [
        "outcome", "route", "status", "rule", "spend", "small-project-limit",
        "total-area", "total-owners",
        "participating-area", "participating-owners",
        "consenting-area", "consenting-owners",
        "opposing-area", "opposing-owners",
        "abstaining-area", "abstaining-owners",
    ];

    public Observation Run(Scenario scenario, RuleVersion rule)
    {
        var plan = Read(scenario, rule);
        RenovationVote? state = null;
        var history = new List<object>();

        void Apply(Decision decision)
        {
            foreach (var e in decision.Events)
            {
                history.Add(e);
                state = RenovationVoteProjection.Evolve(state, e);
            }
        }

        foreach (var step in plan.Given)
        {
            var decision = step.Decide(state);
            if (decision.Rejection is { } refused)
            {
                throw Refused(step, refused);
            }

            Apply(decision);
        }

        var when = plan.When.Decide(state);
        Apply(when);
        var tally = Fold.Events<VoteTally>(VoteTallyProjection.Evolve, history);
        return when.Rejection is { } rejection
            ? new Observation(rejection, [], [], [], FactsOf(tally))
            : Observe(when.Events, when.Events.Select(e => RenovationVoteKind.EventNames[e.GetType()]).ToList(), tally);
    }

    public async Task<Observation> RunInStoreAsync(Scenario scenario, RuleVersion rule, IDocumentStore store, string district, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        var plan = Read(scenario, rule);
        foreach (var step in plan.Given)
        {
            if ((await ExecuteAsync(store, district, plan.VoteId, step, ct)).Rejection is { } refused)
            {
                throw Refused(step, refused);
            }
        }

        long before;
        await using (var session = store.QuerySession(district))
        {
            before = (await session.Events.FetchStreamStateAsync(plan.VoteId, ct))?.Version ?? 0;
        }

        var outcome = await ExecuteAsync(store, district, plan.VoteId, plan.When, ct);
        await using var query = store.QuerySession(district);
        var tally = await query.LoadAsync<VoteTally>(plan.VoteId, ct);
        if (outcome.Rejection is { } rejection)
        {
            return new Observation(rejection, [], [], [], FactsOf(tally));
        }

        // What the when-step wrote, read back as stored: the data and the names it is stored under.
        var appended = (await query.Events.FetchStreamAsync(plan.VoteId, token: ct)).Where(e => e.Version > before).ToList();
        return Observe(appended.Select(e => e.Data).ToList(), appended.Select(e => e.EventTypeName).ToList(), tally);
    }

    private static async Task<CommandOutcome> ExecuteAsync(IDocumentStore store, string district, Guid voteId, Step step, CancellationToken ct)
    {
        await using var session = store.LightweightSession(district);
        return step.Opens
            ? await CaseCommands.StartAsync<RenovationVote>(session, voteId, step.Acting, () => step.Decide(null), ct)
            : await CaseCommands.ExecuteAsync<RenovationVote>(session, voteId, null, step.Acting, vote => step.Decide(vote), ct);
    }

    private static Observation Observe(IReadOnlyList<object> events, IReadOnlyList<string> types, VoteTally? tally) =>
        new(null, events, types, events.SelectMany(ClausesOf).ToList(), FactsOf(tally));

    /// <summary>The clauses a decision recorded in its event.</summary>
    private static IEnumerable<CriterionResult> ClausesOf(object e) => e switch
    {
        RenovationVoteOpened opened => opened.Criteria ?? [],
        RenovationVoteClosed closed => closed.Criteria,
        _ => [],
    };

    /// <summary>The facts "then" may check, read from the vote's read model.</summary>
    private static Dictionary<string, string> FactsOf(VoteTally? tally)
    {
        if (tally is null)
        {
            return [];
        }

        static string Heads(int count) => count.ToString(CultureInfo.InvariantCulture);
        var count = tally.Count;
        var facts = new Dictionary<string, string>
        {
            ["route"] = FactText.Of(tally.Route),
            ["status"] = FactText.Of(tally.Status),
            ["rule"] = tally.Rule.ToString(),
            ["spend"] = FactText.Of(tally.Proposal.Amount),
            ["small-project-limit"] = FactText.Of(tally.Rules.SmallProjectLimit),
            ["total-area"] = FactText.Of(count.TotalArea),
            ["total-owners"] = Heads(count.TotalMembers),
            ["participating-area"] = FactText.Of(count.ParticipatingArea),
            ["participating-owners"] = Heads(count.ParticipatingMembers),
            ["consenting-area"] = FactText.Of(count.YesArea),
            ["consenting-owners"] = Heads(count.YesMembers),
            ["opposing-area"] = FactText.Of(count.NoArea),
            ["opposing-owners"] = Heads(count.NoMembers),
            ["abstaining-area"] = FactText.Of(count.AbstainArea),
            ["abstaining-owners"] = Heads(count.AbstainMembers),
        };
        if (tally.FinalOutcome is { } outcome)
        {
            facts["outcome"] = FactText.Of(outcome);
        }

        return facts;
    }

    private static ScenarioFormatException Refused(Step step, Rejection rejection) =>
        step.Node.Error($"this step of the history was refused ({rejection.Code}: {rejection.Reason}); every given step must be accepted");

    // ---- Reading a scenario --------------------------------------------------------------------

    /// <summary>One step of a scenario: who takes it and the pure decision it runs against the vote so far.</summary>
    private sealed record Step(ScenarioNode Node, Acting Acting, Func<RenovationVote?, Decision> Decide, bool Opens = false);

    private sealed record Plan(Guid VoteId, IReadOnlyList<Step> Given, Step When);

    private static Plan Read(Scenario scenario, RuleVersion rule)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(rule);
        return new PlanReader(scenario, RuleBook.Parameters<RenovationVoteRules>(rule)).Read();
    }

    /// <summary>Reads the given and when sections into steps, complaining with the file and line of anything it cannot read.</summary>
    private sealed partial class PlanReader(Scenario scenario, RenovationVoteRules rules)
    {
        private const string Clerk = "scenario-clerk";
        private const string Committee = "owners-committee";
        private const string DefaultNote = "Minute of the owners' committee";

        private readonly Guid _voteId = Guid.NewGuid();
        private readonly List<RollEntry> _roll = [];
        private DateTimeOffset _opensAt;
        private DateTimeOffset _closesAt;
        private DateTimeOffset _lastBallot;

        public Plan Read()
        {
            var given = scenario.Given;
            if (!given.IsMapping)
            {
                throw given.Error("given describes the vote: roll, spend, opened, ballots, ... (see docs/scenarios/renovation-vote.md)");
            }

            given.OnlyKeys("roll", "spend", "for", "opened", "opens", "closes", "days", "ballots", "closed", "committee");
            var open = ReadOpening(given);
            var (whenName, whenValue) = WhenStep(scenario.When);
            if (whenName == "open")
            {
                if ((given.Get("ballots") ?? given.Get("closed") ?? given.Get("committee")) is { } later)
                {
                    throw later.Error("when the vote is opened in the when step, given holds only the vote to open: roll, spend, for and its times");
                }

                return new Plan(_voteId, [], open with { Node = scenario.When });
            }

            var steps = new List<Step> { open };
            foreach (var item in given.Get("ballots")?.Items ?? [])
            {
                var (key, value) = SingleEntry(item, "a ballot is one line such as 'alice: yes' or 'A-101: alice no'");
                steps.Add(Ballot(item, [key, .. Words(value.Text)], withdraw: false));
            }

            if (given.Get("closed") is { } closed)
            {
                steps.Add(Close(closed, closed.Text));
            }

            if (given.Get("committee") is { } committee)
            {
                steps.Add(CommitteeDecision(committee));
            }

            var when = whenName switch
            {
                "close" => Close(whenValue ?? scenario.When, whenValue?.Text ?? "end"),
                "cast" => whenValue is { IsMapping: true } cast ? BallotFields(cast, withdraw: false) : Ballot(Value(whenValue), Words(Value(whenValue).Text), withdraw: false),
                "withdraw" => whenValue is { IsMapping: true } back ? BallotFields(back, withdraw: true) : Ballot(Value(whenValue), Words(Value(whenValue).Text), withdraw: true),
                "committee" => CommitteeDecision(Value(whenValue)),
                _ => throw scenario.When.Error($"unknown step '{whenName}'; the when step is one of: open, close, cast, withdraw, committee"),
            };
            return new Plan(_voteId, steps, when);

            ScenarioNode Value(ScenarioNode? node) => node ?? throw scenario.When.Error($"'{whenName}' needs a value, e.g. '{whenName}: {Example(whenName)}'");
        }

        private static string Example(string step) => step switch
        {
            "cast" => "alice yes",
            "withdraw" => "alice",
            "committee" => "approved",
            _ => "end",
        };

        private static (string Name, ScenarioNode? Value) WhenStep(ScenarioNode when)
        {
            if (when.IsScalar)
            {
                return (when.Text.Trim(), null);
            }

            var (name, value) = SingleEntry(when, "the when step is one step: open, close, cast, withdraw or committee");
            return (name, value.IsScalar && value.Text.Length == 0 ? null : value);
        }

        private Step ReadOpening(ScenarioNode given)
        {
            var roll = given.Required("roll");
            var units = roll.IsMapping
                ? roll.Entries
                : roll.Items.Select(item => SingleEntry(item, "a unit is one line such as 'A-101: alice 100'")).ToList();
            foreach (var (unit, owners) in units)
            {
                _roll.Add(Unit(unit, owners));
            }

            var amount = given.Get("spend")?.Number() ?? DefaultSpend;
            var description = given.Get("for")?.Text ?? "Renovation of the compound's common parts";
            var openedNode = given.Get("opened");
            var openedAt = openedNode?.Time() ?? (scenario.RuleDate is { } day
                ? new DateTimeOffset(day.ToDateTime(new TimeOnly(9, 0)), ChinaTime)
                : DefaultOpenedAt);
            if (scenario.Rule is null && scenario.RuleDate is { } date && openedNode is not null
                && DateOnly.FromDateTime(openedAt.ToOffset(ChinaTime).DateTime) != date)
            {
                throw openedNode.Error($"the scenario's rule is the one in force on {date:yyyy-MM-dd}, so the vote must be opened that day (China time), not {openedAt:yyyy-MM-dd HH:mm zzz}");
            }

            _opensAt = given.Get("opens")?.Time() ?? openedAt;
            var closes = given.Get("closes");
            var days = given.Get("days");
            if (closes is not null && days is not null)
            {
                throw days.Error("give either 'closes' (a time) or 'days' (the window's length), not both");
            }

            _closesAt = closes?.Time() ?? _opensAt.AddDays(days?.WholeNumber() ?? DefaultDays);
            _lastBallot = _opensAt;
            var command = new OpenVote(_voteId, "compound-scenario", "Scenario Garden", new Proposal(description, amount), _roll.ToList(), _opensAt, _closesAt);
            return new Step(given, new Acting(Clerk, Channel.OnlinePlatform),
                _ => OpeningAVote.Decide(command, Channel.OnlinePlatform, openedAt, rules), Opens: true);
        }

        /// <summary>A roll line: the owners (co-owners separated by commas) and the exclusive area, e.g. "bob, carol 80".</summary>
        private static RollEntry Unit(string unitId, ScenarioNode value)
        {
            const string Form = "write the owner (co-owners separated by commas) and then the area in m², e.g. 'A-101: alice 100' or 'B-201: bob, carol 80.25'";
            var text = value.Text.Trim();
            foreach (var suffix in new[] { "m²", "m2" })
            {
                if (text.EndsWith(suffix, StringComparison.Ordinal))
                {
                    text = text[..^suffix.Length].TrimEnd();
                }
            }

            var cut = text.LastIndexOf(' ');
            if (cut < 0)
            {
                throw value.Error($"unit {unitId}: {Form}");
            }

            if (!decimal.TryParse(text[(cut + 1)..], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var area))
            {
                throw value.Error($"unit {unitId}: '{text[(cut + 1)..]}' is not an area in m²; {Form}");
            }

            var owners = text[..cut].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            if (owners.Length == 0 || owners.Any(o => o.Contains(' ', StringComparison.Ordinal)))
            {
                throw value.Error($"unit {unitId}: owner names have no spaces; {Form}");
            }

            return new RollEntry(unitId, owners[0], area, owners.Length > 1 ? owners[1..] : null);
        }

        /// <summary>
        /// A ballot written as words: "voter choice" or "unit voter choice" (for a withdrawal: "voter" or
        /// "unit voter", or the choice 'withdraw'), optionally followed by "at" and a time.
        /// </summary>
        private Step Ballot(ScenarioNode node, IReadOnlyList<string> words, bool withdraw)
        {
            var at = words.ToList().FindIndex(w => w.Equals("at", StringComparison.OrdinalIgnoreCase));
            var main = at < 0 ? words.ToList() : words.Take(at).ToList();
            DateTimeOffset? time = at < 0 ? null : At(node, string.Join(' ', words.Skip(at + 1)));
            if (!withdraw && main.Count > 0 && main[^1].Equals("withdraw", StringComparison.OrdinalIgnoreCase))
            {
                withdraw = true;
                main.RemoveAt(main.Count - 1);
            }
            else if (!withdraw)
            {
                if (main.Count < 2)
                {
                    throw node.Error("a ballot reads 'alice: yes' or 'A-101: alice no' (yes, no, abstain or withdraw), optionally followed by 'at' and a time");
                }

                var choice = Choice(node, main[^1]);
                main.RemoveAt(main.Count - 1);
                var (unit, voter) = Voter(node, main);
                return Cast(node, unit, voter, choice, time);
            }

            var (withdrawnUnit, withdrawer) = Voter(node, main);
            return Withdraw(node, withdrawnUnit, withdrawer, time);
        }

        /// <summary>A ballot written as fields: unit (optional), voter, choice (not for a withdrawal), at (optional).</summary>
        private Step BallotFields(ScenarioNode node, bool withdraw)
        {
            node.OnlyKeys(withdraw ? ["unit", "voter", "at"] : ["unit", "voter", "choice", "at"]);
            var voter = node.Required("voter").Text;
            var unit = node.Get("unit")?.Text ?? UnitOf(node, voter);
            var time = node.Get("at") is { } at ? At(at, at.Text) : (DateTimeOffset?)null;
            return withdraw
                ? Withdraw(node, unit, voter, time)
                : Cast(node, unit, voter, node.Required("choice").Enum<BallotChoice>(), time);
        }

        private (string Unit, string Voter) Voter(ScenarioNode node, List<string> words) => words.Count switch
        {
            1 => (UnitOf(node, words[0]), words[0]),
            2 => (words[0], words[1]),
            _ => throw node.Error("name the voter ('alice'), or the unit and the voter ('A-101 alice')"),
        };

        /// <summary>The one unit a voter holds, for ballots that name only the voter.</summary>
        private string UnitOf(ScenarioNode node, string voter)
        {
            var held = _roll.Where(u => u.Owners.Contains(voter, StringComparer.Ordinal)).Select(u => u.UnitId).ToList();
            return held.Count switch
            {
                1 => held[0],
                0 => throw node.Error($"'{voter}' holds no unit on the roll; to try a ballot by someone who is not an owner, name the unit: 'A-101: {voter} yes'"),
                _ => throw node.Error($"'{voter}' holds {string.Join(", ", held)}; name the unit the ballot is for, e.g. '{held[0]}: {voter} yes'"),
            };
        }

        private static BallotChoice Choice(ScenarioNode node, string word) => word.ToLowerInvariant() switch
        {
            "yes" => BallotChoice.Yes,
            "no" => BallotChoice.No,
            "abstain" => BallotChoice.Abstain,
            _ => throw node.Error($"'{word}' is not a ballot; a ballot is yes, no, abstain or withdraw"),
        };

        private Step Cast(ScenarioNode node, string unit, string voter, BallotChoice choice, DateTimeOffset? at)
        {
            var time = NextBallot(at);
            var command = new CastBallot(_voteId, unit, voter, choice);
            return new Step(node, new Acting(voter, Channel.WeChatMiniProgram), vote => CastingABallot.Decide(command, Opened(node, vote), time));
        }

        private Step Withdraw(ScenarioNode node, string unit, string voter, DateTimeOffset? at)
        {
            var time = NextBallot(at);
            var command = new WithdrawBallot(_voteId, unit, voter);
            return new Step(node, new Acting(voter, Channel.WeChatMiniProgram), vote => CastingABallot.Decide(command, Opened(node, vote), time));
        }

        /// <summary>Ballots without a time follow each other a minute apart from the opening of the window.</summary>
        private DateTimeOffset NextBallot(DateTimeOffset? at)
        {
            _lastBallot = at ?? _lastBallot.AddMinutes(1);
            return _lastBallot;
        }

        private Step Close(ScenarioNode node, string when)
        {
            var time = At(node, when);
            var command = new CloseVote(_voteId);
            return new Step(node, new Acting(Clerk, Channel.OnlinePlatform), vote => ClosingAVote.Decide(command, Opened(node, vote), time));
        }

        /// <summary>"approved" or "rejected", or fields: approved (yes/no), note, at.</summary>
        private Step CommitteeDecision(ScenarioNode node)
        {
            bool approved;
            var note = DefaultNote;
            var time = _opensAt.AddHours(1);
            if (node.IsMapping)
            {
                node.OnlyKeys("approved", "note", "at");
                approved = node.Required("approved").Flag();
                note = node.Get("note")?.Text ?? note;
                time = node.Get("at") is { } at ? At(at, at.Text) : time;
            }
            else
            {
                approved = node.Text.Trim().ToLowerInvariant() switch
                {
                    "approved" or "approves" or "approve" => true,
                    "rejected" or "rejects" or "reject" => false,
                    _ => throw node.Error($"the committee 'approved' or 'rejected', not '{node.Text}'; or write approved: yes|no, note: ..., at: ..."),
                };
            }

            var command = new RecordCommitteeDecision(_voteId, approved, note);
            return new Step(node, new Acting(Committee, Channel.ServiceWindow), vote => ClosingAVote.Decide(command, Opened(node, vote), time));
        }

        private static RenovationVote Opened(ScenarioNode node, RenovationVote? vote) =>
            vote ?? throw node.Error("the vote has not been opened");

        /// <summary>
        /// A time: written out (2024-05-03T10:00, read at +08:00 without an offset), or relative to the
        /// voting window: 'start', 'end', 'end - 1 minute', 'start + 2 days'. A leading 'at' is allowed.
        /// </summary>
        private DateTimeOffset At(ScenarioNode node, string text)
        {
            var written = text.Trim();
            if (written.StartsWith("at ", StringComparison.OrdinalIgnoreCase))
            {
                written = written[3..].Trim();
            }

            if (Relative().Match(written.ToLowerInvariant()) is { Success: true } relative)
            {
                var anchor = relative.Groups["anchor"].Value == "start" ? _opensAt : _closesAt;
                if (!relative.Groups["sign"].Success)
                {
                    return anchor;
                }

                var amount = int.Parse(relative.Groups["amount"].Value, CultureInfo.InvariantCulture)
                    * (relative.Groups["sign"].Value == "-" ? -1 : 1);
                return relative.Groups["unit"].Value switch
                {
                    "s" or "sec" or "second" or "seconds" => anchor.AddSeconds(amount),
                    "m" or "min" or "minute" or "minutes" => anchor.AddMinutes(amount),
                    "h" or "hour" or "hours" => anchor.AddHours(amount),
                    "d" or "day" or "days" => anchor.AddDays(amount),
                    var unit => throw node.Error($"'{unit}' is not a unit of time; use seconds, minutes, hours or days"),
                };
            }

            if (DateTimeOffset.TryParseExact(written, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK"], CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var exact) && (written.EndsWith('Z') || written.LastIndexOfAny(['+', '-']) > 10))
            {
                return exact;
            }

            if (DateTime.TryParseExact(written, ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm"], CultureInfo.InvariantCulture,
                    DateTimeStyles.None, out var local))
            {
                return new DateTimeOffset(local, ChinaTime);
            }

            throw node.Error($"'{text}' is not a time; write 2024-05-03T10:00, or start or end of the voting window, e.g. 'end', 'end - 1 minute', 'start + 2 days'");
        }

        [GeneratedRegex(@"^(?<anchor>start|end)(\s*(?<sign>[+-])\s*(?<amount>\d{1,6})\s*(?<unit>[a-z]+))?$", RegexOptions.CultureInvariant)]
        private static partial Regex Relative();

        private static (string Key, ScenarioNode Value) SingleEntry(ScenarioNode node, string form)
        {
            if (!node.IsMapping || node.Entries.Count != 1)
            {
                throw node.Error(form);
            }

            return node.Entries[0];
        }

        private static string[] Words(string text) => text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
