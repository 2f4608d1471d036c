using System.Globalization;
using CaseLedger.Core;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>
/// Running figures of a vote, by area (m²) and by headcount (members). Kept incrementally from ballot
/// events, so counting never needs the roll again.
/// </summary>
public sealed record VoteCount(
    decimal TotalArea,
    int TotalMembers,
    decimal YesArea,
    int YesMembers,
    decimal NoArea,
    int NoMembers,
    decimal AbstainArea,
    int AbstainMembers)
{
    public static readonly VoteCount Empty = new(0, 0, 0, 0, 0, 0, 0, 0);

    public static VoteCount ForRoll(decimal totalArea, int totalMembers) => Empty with { TotalArea = totalArea, TotalMembers = totalMembers };

    /// <summary>The empty count of a roll: its whole area, and its owners counted as members.</summary>
    public static VoteCount OfRoll(IReadOnlyList<RollEntry> roll) =>
        ForRoll(roll.Sum(u => u.Area), Membership.Group(roll).Values.Distinct(StringComparer.Ordinal).Count());

    public decimal ParticipatingArea => YesArea + NoArea + AbstainArea;

    public int ParticipatingMembers => YesMembers + NoMembers + AbstainMembers;

    /// <summary>Moves one member's area and head from one choice (or none) to another (or none).</summary>
    public VoteCount Recast(decimal area, BallotChoice? from, BallotChoice? to) => Add(from, -area, -1).Add(to, area, 1);

    private VoteCount Add(BallotChoice? choice, decimal area, int heads) => choice switch
    {
        BallotChoice.Yes => this with { YesArea = YesArea + area, YesMembers = YesMembers + heads },
        BallotChoice.No => this with { NoArea = NoArea + area, NoMembers = NoMembers + heads },
        BallotChoice.Abstain => this with { AbstainArea = AbstainArea + area, AbstainMembers = AbstainMembers + heads },
        _ => this,
    };
}

/// <summary>Applies a rule version to a count: every clause with its result, and the outcome.</summary>
public static class Counting
{
    public const string ParticipationByAreaClause = "renovation-vote.participation.area";
    public const string ParticipationByHeadcountClause = "renovation-vote.participation.headcount";
    public const string ConsentByAreaClause = "renovation-vote.consent.area";
    public const string ConsentByHeadcountClause = "renovation-vote.consent.headcount";

    public static (VoteOutcome Outcome, IReadOnlyList<CriterionResult> Criteria) Evaluate(VoteCount count, RenovationVoteRules rules)
    {
        ArgumentNullException.ThrowIfNull(count);
        ArgumentNullException.ThrowIfNull(rules);
        var criteria = new List<CriterionResult>();
        if (rules.ParticipationByArea is { } byArea)
        {
            criteria.Add(new CriterionResult(
                ParticipationByAreaClause,
                $"owners holding {byArea} of the total area take part",
                byArea.IsMetBy(count.ParticipatingArea, count.TotalArea),
                Area(count.ParticipatingArea, count.TotalArea)));
        }

        if (rules.ParticipationByHeadcount is { } byHeads)
        {
            criteria.Add(new CriterionResult(
                ParticipationByHeadcountClause,
                $"{byHeads} of all owners take part",
                byHeads.IsMetBy(count.ParticipatingMembers, count.TotalMembers),
                Share(count.ParticipatingMembers, count.TotalMembers, "owners")));
        }

        var (basisArea, basisMembers, basisName) = rules.ConsentBasis == ConsentBasis.AllOwners
            ? (count.TotalArea, count.TotalMembers, "all owners")
            : (count.ParticipatingArea, count.ParticipatingMembers, "participating owners");
        criteria.Add(new CriterionResult(
            ConsentByAreaClause,
            $"owners holding {rules.ConsentByArea} of the area of {basisName} consent",
            rules.ConsentByArea.IsMetBy(count.YesArea, basisArea),
            Area(count.YesArea, basisArea)));
        criteria.Add(new CriterionResult(
            ConsentByHeadcountClause,
            $"{rules.ConsentByHeadcount} of {basisName} consent",
            rules.ConsentByHeadcount.IsMetBy(count.YesMembers, basisMembers),
            Share(count.YesMembers, basisMembers, "owners")));

        return (criteria.TrueForAll(c => c.Met) ? VoteOutcome.Passed : VoteOutcome.Failed, criteria);
    }

    // Display only: the decision above is taken on exact figures, the percentage here is rounded.
    private static string Area(decimal part, decimal whole) =>
        string.Create(CultureInfo.InvariantCulture, $"{part:#,0.00} of {whole:#,0.00} m² ({Percent(part, whole)})");

    private static string Share(int part, int whole, string unit) =>
        string.Create(CultureInfo.InvariantCulture, $"{part:#,0} of {whole:#,0} {unit} ({Percent(part, whole)})");

    private static string Percent(decimal part, decimal whole) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{(whole == 0 ? 0 : Math.Round(part * 100 / whole, 2, MidpointRounding.AwayFromZero)):0.00}%");
}
