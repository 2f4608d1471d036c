using CaseLedger.Core;
using Marten;

namespace CaseLedger.Cases.BirthSupport;

/// <summary>
/// Xintian county's birth support claims, declared once: its events under stable names, its state
/// (also its read model), the household totals and county budget its decisions hold and write, its
/// commands with who may issue them, and the district's totals queries.
/// </summary>
public sealed class BirthSupportKind : CaseKind<BirthSupportClaim>
{
    public const string KindName = "birth-support";

    /// <summary>The names the households' and the budget's list cursors carry.</summary>
    private const string HouseholdsList = "HouseholdTotals", BudgetList = "CountyBudget";

    public BirthSupportKind()
        : base(KindName, "birth-support-claims", BirthSupportRules.RuleId, BirthSupportClaimProjection.Evolve)
    {
        Label = "Birth support claim";
        Title = "A household's claim of one of the county's birth support benefits, decided against the household's caps and the county's budget";

        Event<ClaimSubmitted>("birth_support.claim_submitted.v1",
            e => new($"Claim of {Words.Of(e.Benefit)} for household {e.HouseholdRegister} through {e.Channel}"));
        Event<ClaimDecided>("birth_support.claim_decided.v1", e => new(e.Reasons.Count == 0
            ? $"{e.Status}: {DecidingAClaim.Yuan(e.Paid)} paid"
            : $"{e.Status}: {DecidingAClaim.Yuan(e.Paid)} of {DecidingAClaim.Yuan(e.Due)} paid ({string.Join("; ", e.Reasons)})", IsDecision: true));
        Event<ClaimDeferred>("birth_support.claim_deferred.v1", e => new($"Deferred: {e.Reason}", IsDecision: true));

        View<BirthSupportClaim>(BirthSupportClaimProjection.Evolve)
            .NewestFirstBy(c => c.SubmittedAt)
            .FilteredBy("benefit", c => c.Benefit)
            .FilteredBy("status", c => c.Status)
            .Indexed(c => c.HouseholdRegister)
            .Indexed(c => c.Claimant);

        // The shared totals: written from each decision, which held them (see DecideClaim below).
        Writes<HouseholdTotals>(e => e is ClaimDecided d ? [d.Household] : [], h => h.Id);
        Writes<CountyBudget>(e => e is ClaimDecided d ? [d.Budget] : [], b => b.Id);

        Opens<SubmitClaim>("Claim a birth support benefit for a household: a resident for their own, a clerk or a proxy on their behalf")
            .AllowedFor(Role.Resident, Role.Clerk, Role.Proxy)
            .ForPerson(claim => claim.Claimant)
            .Decides((command, context) => ClaimingSupport.Decide(command, context.CaseId, context.Acting.Channel, context.Now,
                context.Rules.LocalDate(context.Now), context.Rules.TryInForce<BirthSupportRules>(RuleId, context.Now)))
            .Replays<ClaimSubmitted>(e => new SubmitClaim(e.Claimant, e.HouseholdRegister, e.Benefit, e.WithinPolicy, e.ChildId, e.BirthOrder,
                e.ChildBornOn, e.Expense), e => e.SubmittedAt);
        On<DecideClaim>("decision", "Decide the claim against the household's (and the child's) caps and the county's budget for the year; " +
                "beyond a cap the remainder is paid, beyond the budget the claim waits for the next year's")
            .AllowedFor(Role.Clerk)
            .Holds<HouseholdTotals>((_, claim, _) => claim.HouseholdRegister)
            .Holds<CountyBudget>((_, _, context) => CountyBudget.IdFor(context.Rules.LocalDate(context.Now).Year))
            .Decides((_, claim, context) => DecidingAClaim.Decide(claim, context.Fact<HouseholdTotals>(), context.Fact<CountyBudget>(), context.Now,
                context.Rules.LocalDate(context.Now)))
            .Replays<ClaimDecided>(_ => new DecideClaim(), e => e.DecidedAt)
            .Replays<ClaimDeferred>(_ => new DecideClaim(), e => e.DeferredAt);

        // A resident reads the claims they made.
        ResidentsRead(async (session, claim, person, ct) => (await session.LoadAsync<BirthSupportClaim>(claim, ct))?.Claimant == person);

        // Both lists walk their documents by id (the table's key): the household register number, budget-{year}.
        Query("birth-support/households", "Each household's totals against each cap, by register number, a page at a time (one household with ?register=)",
            async (session, values, context, ct) =>
            {
                IQueryable<HouseholdTotals> households = session.Query<HouseholdTotals>();
                if (values.TryGetValue("register", out var register))
                {
                    households = households.Where(h => h.Id == register);
                }

                var count = await ListCounts.CountAsync(session, households, context.Page.Count, ct);
                var (items, cursor) = await Keyset.ByTextIdAsync(households, h => h.Id, HouseholdsList, context.Page, ct);
                return new ListPage<HouseholdTotals>(items, null, cursor, count);
            }, QueryPaging.ByTextId(HouseholdsList));
        Query("birth-support/budget", "The county's spending against its budget, by year, a page at a time",
            async (session, _, context, ct) =>
            {
                var years = session.Query<CountyBudget>();
                var count = await ListCounts.CountAsync(session, years, context.Page.Count, ct);
                var (items, cursor) = await Keyset.ByTextIdAsync(years, b => b.Id, BudgetList, context.Page, ct);
                return new ListPage<CountyBudget>(items, null, cursor, count);
            }, QueryPaging.ByTextId(BudgetList));
    }
}
