using CaseLedger.Cases.BirthSupport;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Scenarios;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.BirthSupport;

// What-if over the store: the seeded claims, read (never written), each decided again under a proposed
// version against the household's totals and the budget as its recorded decision held them.
[Collection(LedgerCollection.Name)]
public sealed class when_asking_what_a_higher_cap_or_grant_would_have_paid(Ledger ledger)
{
    private CaseKinds Kinds => ledger.Host.Services.GetRequiredService<CaseKinds>();

    private async Task<WhatIfReport> WhatIfAsync(string version)
    {
        var rules = Kinds.RulesBuilder().AddFiles(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "rules")).Build();
        return await WhatIf.RunAsync(ledger.Store, new ScenarioEngine(Kinds), rules, rules.Get(BirthSupportRules.RuleId, version), [Ledger.SeededDistrict]);
    }

    [Fact]
    public async Task with_an_infertility_cap_of_5000_the_claim_cut_to_the_cap_is_paid_1000_more()
    {
        var report = await WhatIfAsync("2-proposed");

        report.CasesExamined.ShouldBe(12);
        var changed = report.Changed.ShouldHaveSingleItem();
        changed.Amount.ShouldBe(1000m);
        changed.ProposedAmount.ShouldBe(2000m);
        report.AmountDifference.ShouldBe(1000m);
    }

    [Fact]
    public async Task with_2000_for_a_second_child_the_second_childs_grant_is_paid_1000_more()
    {
        var report = await WhatIfAsync("3-proposed");

        var changed = report.Changed.ShouldHaveSingleItem();
        changed.Amount.ShouldBe(1000m);
        changed.ProposedAmount.ShouldBe(2000m);
        report.AmountDifference.ShouldBe(1000m);
    }
}
