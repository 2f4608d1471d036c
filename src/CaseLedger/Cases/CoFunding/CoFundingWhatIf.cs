using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// Replays a co-funded project's recorded decisions under a proposed version of the co-funding rule:
/// the compound's eligibility (built years, maintenance fund), the award on the audited cost recorded
/// at the time it was decided, and every later audit revision with its adjustment. The inputs are the
/// ones the events recorded (compound, vote criterion, acceptance, audited costs, times); only the
/// rule parameters change.
/// </summary>
public sealed class CoFundingWhatIf : IWhatIfReplay
{
    public const string Awarded = "Awarded";
    public const string Ineligible = "Ineligible";
    public const string NotAwarded = "NotAwarded";

    public string RuleId => CoFundingRules.RuleId;

    /// <summary>A project's outcome: a grant decided, a compound that does not qualify, or qualified but not (yet) awarded.</summary>
    public static string OutcomeOf(bool awarded, bool eligible) => awarded ? Awarded : eligible ? NotAwarded : Ineligible;

    public WhatIfCase? Replay(Guid caseId, string district, IReadOnlyList<object> events, RuleVersion proposed)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentNullException.ThrowIfNull(proposed);
        var start = events.ToList().FindIndex(e => e is ProjectRegistered);
        if (start < 0)
        {
            return null;
        }

        var registered = (ProjectRegistered)events[start];
        var rules = RuleBook.Parameters<CoFundingRules>(proposed);
        var recorded = Fold.Events<CoFundingEligibility>(CoFundingEligibilityProjection.Evolve, events)!;
        var recordedClauses = new List<CriterionResult>(registered.Eligibility);

        // The registration under the proposal: the compound judged by its criteria, the vote as recorded
        // (whether a vote passed does not depend on the co-funding rule).
        var eligibility = Eligibility.OfCompound(registered.Compound, rules)
            .Concat(registered.Eligibility.Where(c => c.Clause == Eligibility.VoteClause))
            .ToList();
        var replayedClauses = new List<CriterionResult>(eligibility);
        var state = CoFundingProjectProjection.Evolve(null,
            registered with { Rules = rules, Eligibility = eligibility, Eligible = eligibility.TrueForAll(c => c.Met) })!;

        void Apply(IEnumerable<object> replayed)
        {
            foreach (var e in replayed)
            {
                state = CoFundingProjectProjection.Evolve(state, e)!;
            }
        }

        foreach (var e in events.Skip(start + 1))
        {
            switch (e)
            {
                case ProjectStarted or ProjectCompleted:
                    Apply([e]);
                    break;
                case FinalCostAudited audited:
                    recordedClauses.AddRange(audited.Criteria ?? []);
                    var audit = AdvancingAProject.Judge(new AuditFinalCost(caseId, audited.AuditedCost, audited.AuditReference), state, audited.AuditedAt);
                    replayedClauses.AddRange(audit.Clauses);
                    // The audited cost is a fact either way; only an adjustment depends on the rule.
                    Apply(audit.Decision.IsAccepted ? audit.Decision.Events : [audited]);
                    break;
                case AwardDecided award:
                    recordedClauses.AddRange(award.Criteria);
                    recordedClauses.AddRange(award.AwardTerms ?? []);
                    var decided = AwardingTheGrant.Judge(new DecideAward(caseId), state, award.DecidedAt);
                    replayedClauses.AddRange(decided.Clauses);
                    Apply(decided.Decision.Events);
                    break;
                case AwardAdjusted adjusted:
                    // The replayed audit revision made its own adjustment, if any.
                    recordedClauses.AddRange(adjusted.Criteria ?? []);
                    break;
                default:
                    // Settlements move money, they decide nothing under the rule.
                    break;
            }
        }

        var outcome = OutcomeOf(recorded.Grant is not null, recorded.Eligible);
        var proposedOutcome = OutcomeOf(state.Grant is not null, state.Eligible);
        var summary = $"{registered.Compound.Name} (built {registered.Compound.YearBuilt})" +
            (recorded.AuditedCost is { } cost ? $", audited at {Eligibility.Yuan(cost)}" : "") +
            $": under {recorded.Rule} {Describe(outcome, recorded.Grant)}; under {proposed.Ref} {Describe(proposedOutcome, state.Grant)}";
        return new WhatIfCase(caseId, district, summary, outcome, proposedOutcome, recorded.Grant?.Total, state.Grant?.Total,
            Changed(recordedClauses, replayedClauses));
    }

    private static string Describe(string outcome, Grant? grant) => outcome switch
    {
        Awarded when grant is not null => $"granted {Eligibility.Yuan(grant.Total)} (city {Eligibility.Yuan(grant.City)}, district {Eligibility.Yuan(grant.District)})",
        Ineligible => "not eligible",
        _ => "eligible, no grant decided",
    };

    /// <summary>Clauses evaluated on both sides whose last verdict differs, in the order first met.</summary>
    private static List<string> Changed(List<CriterionResult> recorded, List<CriterionResult> replayed)
    {
        var before = Last(recorded);
        var after = Last(replayed);
        return recorded.Concat(replayed)
            .Select(c => c.Clause)
            .Distinct(StringComparer.Ordinal)
            .Where(id => before.TryGetValue(id, out var was) && after.TryGetValue(id, out var now) && was != now)
            .ToList();
    }

    private static Dictionary<string, bool> Last(List<CriterionResult> clauses)
    {
        var last = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var c in clauses)
        {
            last[c.Clause] = c.Met;
        }

        return last;
    }
}
