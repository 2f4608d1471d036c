using CaseLedger.Core;
using CaseLedger.Core.Summaries;
using CaseLedger.Rules;

namespace CaseLedger.Cases.CoFunding;

/// <summary>One change of a decided grant, as the read model lists it.</summary>
public sealed record GrantAdjustment(decimal PreviousAuditedCost, decimal AuditedCost, Grant Difference, string AuditReference, DateTimeOffset At);

/// <summary>
/// The read model of one co-funded project: every criterion with its status and reason, the costs,
/// the grant with its adjustments, and what has been paid. Built from the events alone.
/// </summary>
public sealed record CoFundingEligibility
{
    /// <summary>The <see cref="Outcome"/> of a project with a grant decided.</summary>
    public const string Awarded = "Awarded";

    /// <summary>The <see cref="Outcome"/> of a project whose compound qualifies, with no grant decided (yet).</summary>
    public const string NotAwarded = "NotAwarded";

    /// <summary>The <see cref="Outcome"/> of a project whose compound does not qualify.</summary>
    public const string Ineligible = "Ineligible";

    public Guid Id { get; init; }

    public required Compound Compound { get; init; }

    public string Description { get; init; } = "";

    public decimal EstimatedCost { get; init; }

    public IReadOnlyList<Funding> Funding { get; init; } = [];

    /// <summary>All money other than the grant.</summary>
    public decimal OtherMoney { get; init; }

    public Guid? RenovationVoteId { get; init; }

    public RuleRef Rule { get; init; } = new("", "");

    [Fraction]
    public decimal Rate { get; init; }

    public bool Eligible { get; init; }

    public IReadOnlyList<CriterionResult> Criteria { get; init; } = [];

    public ProjectStage Stage { get; init; }

    public DateTimeOffset RegisteredAt { get; init; }

    public DateTimeOffset? StartedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    public string? AcceptanceReference { get; init; }

    public decimal? AuditedCost { get; init; }

    public int AuditRevisions { get; init; }

    /// <summary>The grant as first decided.</summary>
    public Grant? InitialGrant { get; init; }

    /// <summary>The grant as it stands, adjustments included.</summary>
    public Grant? Grant { get; init; }

    public IReadOnlyList<GrantAdjustment> Adjustments { get; init; } = [];

    public Grant Paid { get; init; } = Grant.None;

    /// <summary>What is still due (negative: to be recovered).</summary>
    public decimal Balance => (Grant?.Total ?? 0) - Paid.Total;

    public DateTimeOffset? AwardedAt { get; init; }

    public long Version { get; init; }

    /// <summary>
    /// Where the project stands in one word: <see cref="Awarded"/> once a grant is decided, else
    /// <see cref="NotAwarded"/> for a compound that qualifies and <see cref="Ineligible"/> for one that
    /// does not. What-if replays compare this.
    /// </summary>
    public string Outcome => Grant is not null ? Awarded : Eligible ? NotAwarded : Ineligible;

    /// <summary>How many times a revised audit has adjusted the grant.</summary>
    public int AdjustmentCount => Adjustments.Count;

    /// <summary>The latest adjustment of the grant, if any.</summary>
    public GrantAdjustment? LastAdjustment => Adjustments.Count > 0 ? Adjustments[^1] : null;
}

/// <summary>Folds a project's events into its <see cref="CoFundingEligibility"/>.</summary>
public static class CoFundingEligibilityProjection
{
    public static CoFundingEligibility? Evolve(CoFundingEligibility? view, object @event) => (view, @event) switch
    {
        (null, ProjectRegistered e) => new CoFundingEligibility
        {
            Id = e.ProjectId,
            Compound = e.Compound,
            Description = e.Description,
            EstimatedCost = e.EstimatedCost,
            Funding = e.Funding,
            OtherMoney = e.Funding.Sum(f => f.Amount),
            RenovationVoteId = e.RenovationVoteId,
            Rule = e.Rule,
            Rate = e.Rules.Rate,
            Eligible = e.Eligible,
            Criteria = e.Eligibility,
            Stage = ProjectStage.Registered,
            RegisteredAt = e.RegisteredAt,
        },
        (not null, ProjectStarted e) => view with { Stage = ProjectStage.Started, StartedAt = e.StartedAt },
        (not null, ProjectCompleted e) => view with
        {
            Stage = ProjectStage.Completed,
            CompletedAt = e.CompletedAt,
            AcceptanceReference = e.AcceptanceReference,
        },
        (not null, FinalCostAudited e) => view with
        {
            Stage = view.Stage == ProjectStage.Awarded ? ProjectStage.Awarded : ProjectStage.Audited,
            AuditedCost = e.AuditedCost,
            AuditRevisions = e.Revision,
        },
        (not null, AwardDecided e) => view with
        {
            Stage = ProjectStage.Awarded,
            InitialGrant = e.Grant,
            Grant = e.Grant,
            Criteria = e.Criteria,
            AwardedAt = e.DecidedAt,
        },
        (not null, AwardAdjusted e) => view with
        {
            Grant = e.Grant,
            Adjustments = [.. view.Adjustments, new GrantAdjustment(e.PreviousAuditedCost, e.AuditedCost, e.Difference, e.AuditReference, e.AdjustedAt)],
        },
        (not null, GrantSettled e) => view with { Paid = view.Paid.Plus(e.Amount) },
        _ => view,
    };
}

/// <summary>
/// A district's co-funding across its projects: how many, the grants decided and paid, the other money
/// raised beside them, and the leverage (other money per yuan of grant paid). Computed from the
/// projects' read models, so it is exactly as rebuildable as they are and no concurrent write can
/// lose an update to it.
/// </summary>
public sealed record CoFundingSummary(
    string District,
    int Projects,
    int EligibleProjects,
    int AwardedProjects,
    decimal GrantsAwarded,
    decimal GrantsPaid,
    decimal CityPaid,
    decimal DistrictPaid,
    decimal OtherMoneyOfAwardedProjects,
    IReadOnlyDictionary<FundingSource, decimal> OtherMoneyBySource,
    decimal? Leverage)
{
    /// <summary>The summary the district's co-funding is read from: counts and sums of money in fen (a hundredth of a yuan), with no period.</summary>
    public const string SummaryName = "co-funding";

    /// <summary>
    /// What a project adds to the district's co-funding summary: one project, one eligible project and
    /// one awarded project as it stands, and its money in fen (amounts are yuan with two decimals).
    /// </summary>
    public static IEnumerable<SummaryCount> ContributionOf(CoFundingEligibility project, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(project);
        SummaryCount Count(string counter, long n) => SummaryCount.Of(SummaryName, "", counter, n);
        yield return Count("projects", 1);
        yield return Count("eligible", project.Eligible ? 1 : 0);
        yield return Count("grants-paid", Fen(project.Paid.Total));
        yield return Count("city-paid", Fen(project.Paid.City));
        yield return Count("district-paid", Fen(project.Paid.District));
        if (project.Grant is { } grant)
        {
            yield return Count("awarded", 1);
            yield return Count("grants-awarded", Fen(grant.Total));
            yield return Count("other-money", Fen(project.OtherMoney));
            foreach (var source in project.Funding.GroupBy(f => f.Source))
            {
                yield return Count($"other-money:{source.Key}", Fen(source.Sum(f => f.Amount)));
            }
        }
    }

    /// <summary>The district's co-funding from the summary's cells.</summary>
    public static CoFundingSummary FromCells(string district, IEnumerable<SummaryCell> cells)
    {
        ArgumentNullException.ThrowIfNull(cells);
        var counts = cells.GroupBy(c => c.Counter).ToDictionary(g => g.Key, g => g.Sum(c => c.N), StringComparer.Ordinal);
        long N(string counter) => counts.GetValueOrDefault(counter);
        decimal Yuan(string counter) => N(counter) / 100m;
        var paid = Yuan("grants-paid");
        var other = Yuan("other-money");
        var bySource = Enum.GetValues<FundingSource>().Where(f => counts.ContainsKey($"other-money:{f}")).ToDictionary(f => f, f => Yuan($"other-money:{f}"));
        return new CoFundingSummary(district, (int)N("projects"), (int)N("eligible"), (int)N("awarded"), Yuan("grants-awarded"), paid,
            Yuan("city-paid"), Yuan("district-paid"), other, bySource, paid > 0 ? Math.Round(other / paid, 2, MidpointRounding.AwayFromZero) : null);
    }

    private static long Fen(decimal yuan) => (long)Math.Round(yuan * 100m, 0, MidpointRounding.AwayFromZero);

    /// <summary>The co-funding of these projects: their contributions summed as the district's cells sum them.</summary>
    public static CoFundingSummary Of(string district, IReadOnlyCollection<CoFundingEligibility> projects) =>
        FromCells(district, SummaryTally.Of(SummaryDeclaration.For<CoFundingEligibility>(SummaryName, ContributionOf), projects, TimeSpan.Zero).Read(SummaryName));
}
