using System.Text.Json;
using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.Rules;
using static CaseLedger.Cases.Certificates.Eligibility;

namespace CaseLedger.Tests.Certificates;

/// <summary>The demo applications of seeds/certificates/yuelu.json, decided in memory as the host decides them.</summary>
internal static class RecordedApplications
{
    public static RuleVersion Proposed { get; } = CertificateScenarioFiles.Rules.Get(CertificateRules.RuleId, "2-proposed");

    /// <summary>Each seeded application's id, applicant id and the events its application appended.</summary>
    public static IReadOnlyList<(Guid Id, string Applicant, IReadOnlyList<object> Events)> Yuelu { get; } = Load();

    private static List<(Guid, string, IReadOnlyList<object>)> Load()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        CaseLedgerJson.Configure(options);
        var path = Path.Combine(CertificateScenarioFiles.RepositoryRoot(), "seeds", "certificates", "yuelu.json");
        var file = JsonSerializer.Deserialize<CertificateSeeds.SeedFile>(File.ReadAllText(path), options)!;
        return file.Applications
            .Select(a => (a.ApplicationId, a.Applicant.Id!, (IReadOnlyList<object>)ApplyingForACertificate.Decide(
                new ApplyForCertificate(a.ApplicationId, a.DocumentType, a.Applicant, a.ExistingDocument), a.Applied.Channel, a.Applied.At,
                RuleBook.Default()).Events))
            .ToList();
    }
}

// What-if: re-decide recorded applications under a proposed version, on the facts and dates they recorded.
public class when_replaying_applications_under_a_proposed_rule
{
    private static readonly CertificateWhatIf Replay = new();

    private static WhatIfCase ReplayOf(string applicant, RuleVersion version)
    {
        var (id, _, events) = RecordedApplications.Yuelu.Single(a => a.Applicant == applicant);
        return Replay.Replay(id, "yuelu", events, version).ShouldNotBeNull();
    }

    [Fact]
    public void the_proposal_moves_three_recorded_applications_to_the_fully_online_route()
    {
        var replayed = RecordedApplications.Yuelu
            .Select(a => (a.Applicant, Case: Replay.Replay(a.Id, "yuelu", a.Events, RecordedApplications.Proposed).ShouldNotBeNull()))
            .ToList();

        var moved = replayed.Where(r => r.Case.Changed).ToDictionary(r => r.Applicant, r => r.Case);
        moved.Keys.ShouldBe(["cs-applicant-0006", "cs-applicant-0007", "cs-applicant-0009"], ignoreOrder: true);
        moved.Values.ShouldAllBe(r => r.Outcome == "InPerson" && r.ProposedOutcome == "FullyOnline");
        // A 15-year-old: the proposal's minimum age is 14.
        moved["cs-applicant-0006"].ChangedClauses.ShouldBe([AgeClause]);
        // A permit with exactly six months left: the proposal counts nine.
        moved["cs-applicant-0007"].ChangedClauses.ShouldBe([DocumentSituationClause, ValidityRunningOutClause]);
        // Applied the day before the pilot: the proposal's route is open on any date it is applied to.
        moved["cs-applicant-0009"].ChangedClauses.ShouldBe([RouteOpenClause]);
    }

    [Fact]
    public void applications_failing_a_criterion_the_proposal_keeps_stay_at_the_window()
    {
        foreach (var (applicant, clause) in new[]
                 {
                     ("cs-applicant-0005", HouseholdCityClause),
                     ("cs-applicant-0008", FingerprintsClause),
                     ("cs-applicant-0010", ChannelClause),
                 })
        {
            var replayed = ReplayOf(applicant, RecordedApplications.Proposed);

            replayed.Outcome.ShouldBe("InPerson");
            replayed.ProposedOutcome.ShouldBe("InPerson");
            replayed.ChangedClauses.ShouldBeEmpty();
            replayed.Changed.ShouldBeFalse();
            replayed.Summary.ShouldContain($"{clause} not met");
        }
    }

    [Fact]
    public void a_certificate_has_no_amount()
    {
        var replayed = ReplayOf("cs-applicant-0001", RecordedApplications.Proposed);

        replayed.Amount.ShouldBeNull();
        replayed.ProposedAmount.ShouldBeNull();
        replayed.Outcome.ShouldBe("FullyOnline");
        replayed.Changed.ShouldBeFalse();
    }

    [Fact]
    public void replaying_under_the_pilot_version_changes_only_the_application_decided_before_the_pilot()
    {
        var pilot = RuleBook.Default().Get(CertificateRules.RuleId, "1");

        var changed = RecordedApplications.Yuelu
            .Select(a => Replay.Replay(a.Id, "yuelu", a.Events, pilot)!)
            .Where(r => r.Changed)
            .ToList();

        changed.ShouldHaveSingleItem().ChangedClauses.ShouldBe([RouteOpenClause]);
    }

    [Fact]
    public void the_proposal_can_also_send_an_application_to_the_window()
    {
        // Fully online under version 1 (validity running out), but a city change in a proposal sends it away.
        var elsewhere = new RuleVersion(CertificateRules.RuleId, "9-proposed", "Another city", new DateOnly(2027, 1, 1), true,
            (System.Text.Json.Nodes.JsonObject)RecordedApplications.Proposed.Parameters.DeepClone());
        elsewhere.Parameters["householdCity"] = "Zhuzhou";

        var replayed = ReplayOf("cs-applicant-0001", elsewhere);

        replayed.Outcome.ShouldBe("FullyOnline");
        replayed.ProposedOutcome.ShouldBe("InPerson");
        replayed.ChangedClauses.ShouldBe([HouseholdCityClause]);
    }

    [Fact]
    public void an_event_stored_before_the_situation_clauses_existed_is_compared_on_its_re_derived_situations()
    {
        var (id, _, events) = RecordedApplications.Yuelu.Single(a => a.Applicant == "cs-applicant-0007");
        var old = events.Select(e => e is CertificateEligibilityDecided d ? d with { SituationCriteria = null } : e).ToList();

        var replayed = Replay.Replay(id, "yuelu", old, RecordedApplications.Proposed).ShouldNotBeNull();

        replayed.ChangedClauses.ShouldBe([DocumentSituationClause, ValidityRunningOutClause]);
    }

    [Fact]
    public void a_case_without_an_eligibility_decision_is_not_replayed()
    {
        var (id, _, events) = RecordedApplications.Yuelu[0];

        Replay.Replay(id, "yuelu", events.OfType<CertificateApplied>().ToList<object>(), RecordedApplications.Proposed).ShouldBeNull();
        Replay.Replay(id, "yuelu", [], RecordedApplications.Proposed).ShouldBeNull();
    }

    [Fact]
    public void a_version_of_another_rule_is_refused()
    {
        var (id, _, events) = RecordedApplications.Yuelu[0];
        var other = RuleBook.Default().Get("co-funding", "1");

        Should.Throw<ArgumentException>(() => Replay.Replay(id, "yuelu", events, other));
    }

    [Fact]
    public void the_kind_offers_its_replay_and_its_scenario_driver()
    {
        var kind = new CertificateKind();

        kind.WhatIf.ShouldBeOfType<CertificateWhatIf>().RuleId.ShouldBe(CertificateRules.RuleId);
        kind.ScenarioDriver.ShouldBeOfType<CertificateScenarios>().Kind.ShouldBe(CertificateKind.KindName);
    }
}
