using CaseLedger.Cases.BirthSupport;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;

namespace CaseLedger.Tests.BirthSupport;

// The core's shared totals (CommandDeclaration.Holds), as the birth-support decision declares them.
public sealed class when_a_command_holds_shared_totals
{
    private sealed record Nothing(Guid Id, RuleRef Rule) : ICaseState;

    private sealed record Open(string Name);

    private sealed record Totals(string Id);

    private sealed class OpeningThatHolds : CaseKind<Nothing>
    {
        public OpeningThatHolds()
            : base("holding-test", "holding-tests", "holding-test", (state, _) => state) =>
            Opens<Open>("open").Holds<Totals>((_, _, _) => "shared");
    }

    [Fact]
    public void a_command_that_opens_a_case_may_not_hold_shared_totals()
    {
        Should.Throw<InvalidOperationException>(() => new OpeningThatHolds()).Message.ShouldContain("opens a case");
    }

    [Fact]
    public void the_birth_support_decision_holds_the_households_totals_and_the_years_budget_and_writes_both_from_its_events()
    {
        var kind = StandardKinds.Create().Named(BirthSupportKind.KindName)!;

        kind.Documents.Select(d => d.Type).ShouldBe([typeof(HouseholdTotals), typeof(CountyBudget)], ignoreOrder: true);
        var claim = new BirthSupportClaim { Id = Guid.NewGuid(), HouseholdRegister = "hr-7" };
        var context = new CommandContext("xintian", claim.Id, new DateTimeOffset(2025, 12, 31, 20, 0, 0, TimeSpan.Zero), Acting.ByCaseLedger,
            StandardKinds.Create().DefaultRules());
        // 20:00 UTC on 31 December is 1 January in civil time (+08:00): the next year's budget.
        kind.CommandFor(typeof(DecideClaim))!.HeldKeys(new DecideClaim(), claim, context).ShouldBe(["CountyBudget:budget-2026", "HouseholdTotals:hr-7"]);
    }
}
