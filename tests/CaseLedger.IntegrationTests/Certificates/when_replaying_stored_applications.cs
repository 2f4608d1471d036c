using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Microsoft.Extensions.DependencyInjection;
using static CaseLedger.Cases.Certificates.Eligibility;

namespace CaseLedger.IntegrationTests.Certificates;

// What-if over the store: the seeded applications, read (never written), replayed under a proposed
// version of the certificate-online rule.
[Collection(LedgerCollection.Name)]
public sealed class when_replaying_stored_applications(Ledger ledger)
{
    private CaseKinds Kinds => ledger.Host.Services.GetRequiredService<CaseKinds>();

    /// <summary>The kinds' rule book plus seeds/rules (certificate-online@2-proposed).</summary>
    private RuleBook Rules => Kinds.RulesBuilder().AddFiles(Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "rules")).Build();

    [Fact]
    public async Task the_proposal_moves_three_seeded_applications_to_the_fully_online_route()
    {
        var rules = Rules;

        var report = await WhatIf.RunAsync(ledger.Store, new ScenarioEngine(Kinds), rules, rules.Get(CertificateRules.RuleId, "2-proposed"),
            [Ledger.SeededDistrict]);

        report.CasesExamined.ShouldBe(12);
        report.CasesDecided.ShouldBe(12);
        report.Changed.ShouldAllBe(c => c.Outcome == "InPerson" && c.ProposedOutcome == "FullyOnline" && c.District == Ledger.SeededDistrict);
        report.Changed.Select(c => string.Join(", ", c.ChangedClauses)).ShouldBe(
            [AgeClause, $"{DocumentSituationClause}, {ValidityRunningOutClause}", RouteOpenClause], ignoreOrder: true);
        report.AmountRecorded.ShouldBe(0m);
        report.AmountProposed.ShouldBe(0m);
    }

    [Fact]
    public async Task a_version_of_another_rule_is_refused()
    {
        var rules = Rules;
        var certificatesOnly = new ScenarioEngine(new CaseKinds([new CertificateKind()]));
        var other = rules.Get(CoFundingRules.RuleId, "1");

        var refused = await Should.ThrowAsync<ArgumentException>(() => WhatIf.RunAsync(ledger.Store, certificatesOnly, rules, other, [Ledger.SeededDistrict]));

        refused.ParamName.ShouldBe("proposed");
        refused.Message.ShouldContain("No case kind decides under rule 'co-funding'");
    }
}
