using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using CaseLedger.Tests.Scenarios;
using static CaseLedger.Cases.Certificates.Eligibility;

namespace CaseLedger.Tests.Certificates;

/// <summary>
/// The demo applications of seeds/certificates/yuelu.json, each command run through the pipeline on
/// an in-memory ledger at the time and by the actor it records, as the host loads them.
/// </summary>
internal static class RecordedApplications
{
    public const string District = "yuelu";

    public static RuleVersion Proposed { get; } = CertificateScenarioFiles.Rules.Get(CertificateRules.RuleId, "2-proposed");

    /// <summary>Each seeded application's id, applicant id and the events it recorded, with their metadata.</summary>
    public static IReadOnlyList<(Guid Id, string Applicant, IReadOnlyList<RecordedEvent> Events)> Yuelu { get; } = Load();

    public static (Guid Id, IReadOnlyList<RecordedEvent> Events) Of(string applicant)
    {
        var (id, _, events) = Yuelu.Single(a => a.Applicant == applicant);
        return (id, events);
    }

    /// <summary>Replays one recorded application under a version, as the what-if command does.</summary>
    public static Task<WhatIfCase?> ReplayAsync(Guid id, IReadOnlyList<RecordedEvent> events, RuleVersion version) =>
        WhatIf.ReplayAsync(CertificateScenarioFiles.Words, CertificateRuleBook.Book, version, District, id, events);

    private static List<(Guid, string, IReadOnlyList<RecordedEvent>)> Load()
    {
        var path = Path.Combine(ScenarioCatalog.RepositoryRoot, "seeds", "certificates", $"{District}.json");
        var file = JsonSerializer.Deserialize<SeedFile>(File.ReadAllText(path), CaseJson.Strict)!;
        file.District.ShouldBe(District);
        var fixture = new CaseFixture(CertificateRuleBook.Kinds, CertificateRuleBook.Book, file.District);
        foreach (var request in file.Cases.SelectMany(c => Seeds.Requests(CertificateRuleBook.Kinds, file.District, c, path)))
        {
            fixture.Given(request.CaseId, request.Command, request.At!.Value, request.Acting);
        }

        return file.Cases
            .Select(c => (c.Id, fixture.Events(c.Id).OfType<CertificateApplied>().Single().Applicant.Id, fixture.Recorded(c.Id)))
            .ToList();
    }
}

// What-if: re-decide recorded applications under a proposed version, on the facts, dates and
// channels they recorded, through the pipeline (WhatIf.ReplayAsync); every recorded step is replayed.
public class when_replaying_applications_under_a_proposed_rule
{
    private static async Task<WhatIfCase> ReplayOfAsync(string applicant, RuleVersion version)
    {
        var (id, events) = RecordedApplications.Of(applicant);
        return (await RecordedApplications.ReplayAsync(id, events, version)).ShouldNotBeNull();
    }

    [Fact]
    public async Task the_proposal_moves_three_recorded_applications_to_the_fully_online_route()
    {
        var replayed = new List<(string Applicant, WhatIfCase Case)>();
        foreach (var (id, applicant, events) in RecordedApplications.Yuelu)
        {
            replayed.Add((applicant, (await RecordedApplications.ReplayAsync(id, events, RecordedApplications.Proposed)).ShouldNotBeNull()));
        }

        var moved = replayed.Where(r => r.Case.Changed).ToDictionary(r => r.Applicant, r => r.Case);
        moved.Keys.ShouldBe(["cs-applicant-0006", "cs-applicant-0007", "cs-applicant-0009"], ignoreOrder: true);
        moved.Values.ShouldAllBe(r => r.Outcome == "InPerson" && r.ProposedOutcome == "FullyOnline" && r.Refusals.Count == 0);
        // A 15-year-old: the proposal's minimum age is 14.
        moved["cs-applicant-0006"].ChangedClauses.ShouldBe([AgeClause]);
        // A permit with exactly six months left: the proposal counts nine.
        moved["cs-applicant-0007"].ChangedClauses.ShouldBe([DocumentSituationClause, ValidityRunningOutClause]);
        // Applied the day before the pilot: the proposal's route is open on any date it is applied to.
        moved["cs-applicant-0009"].ChangedClauses.ShouldBe([RouteOpenClause]);
        replayed.Count.ShouldBe(12);
    }

    [Fact]
    public async Task applications_failing_a_criterion_the_proposal_keeps_stay_at_the_window()
    {
        foreach (var (applicant, clause) in new[]
                 {
                     ("cs-applicant-0005", HouseholdCityClause),
                     ("cs-applicant-0008", FingerprintsClause),
                     ("cs-applicant-0010", ChannelClause),
                 })
        {
            var replayed = await ReplayOfAsync(applicant, RecordedApplications.Proposed);

            replayed.Outcome.ShouldBe("InPerson");
            replayed.ProposedOutcome.ShouldBe("InPerson");
            replayed.ChangedClauses.ShouldBeEmpty();
            replayed.Changed.ShouldBeFalse();
            replayed.Summary.ShouldContain($"({applicant}) applied for");
            replayed.Summary.ShouldContain("InPerson under certificate-online@1, InPerson under certificate-online@2-proposed");
            // The clause failed when it was recorded, and the proposal did not change its verdict: it still fails.
            var (_, events) = RecordedApplications.Of(applicant);
            events.Select(e => e.Data).OfType<CertificateEligibilityDecided>().Single().Unmet.ShouldBe([clause]);
        }
    }

    [Fact]
    public async Task a_certificate_has_no_amount()
    {
        var replayed = await ReplayOfAsync("cs-applicant-0001", RecordedApplications.Proposed);

        replayed.Amount.ShouldBeNull();
        replayed.ProposedAmount.ShouldBeNull();
        replayed.Outcome.ShouldBe("FullyOnline");
        replayed.Changed.ShouldBeFalse();
        replayed.Refusals.ShouldBeEmpty();
    }

    [Fact]
    public async Task replaying_under_the_pilot_version_changes_only_the_application_decided_before_the_pilot()
    {
        var pilot = CertificateRuleBook.Book.Get(CertificateRules.RuleId, "1");

        var changed = new List<WhatIfCase>();
        foreach (var (id, _, events) in RecordedApplications.Yuelu)
        {
            if ((await RecordedApplications.ReplayAsync(id, events, pilot)).ShouldNotBeNull() is { Changed: true } replayed)
            {
                changed.Add(replayed);
            }
        }

        var only = changed.ShouldHaveSingleItem();
        only.ChangedClauses.ShouldBe([RouteOpenClause]);
        only.CaseId.ShouldBe(RecordedApplications.Of("cs-applicant-0009").Id);
    }

    [Fact]
    public async Task the_proposal_can_also_send_an_application_to_the_window()
    {
        // Fully online under version 1 (validity running out), but a city change in a proposal sends it away.
        var elsewhere = new RuleVersion(CertificateRules.RuleId, "9-proposed", "Another city", new DateOnly(2027, 1, 1), true,
            (JsonObject)RecordedApplications.Proposed.Parameters.DeepClone());
        elsewhere.Parameters["householdCity"] = "Zhuzhou";

        var replayed = await ReplayOfAsync("cs-applicant-0001", elsewhere);

        replayed.Outcome.ShouldBe("FullyOnline");
        replayed.ProposedOutcome.ShouldBe("InPerson");
        replayed.ChangedClauses.ShouldBe([HouseholdCityClause]);
        // The recorded review, approval, production, mailing and delivery are refused under the proposal.
        replayed.Refusals.ShouldBe(Enumerable.Repeat("certificate.routed_to_window", 5));
    }

    [Fact]
    public async Task an_event_stored_before_the_situation_clauses_existed_is_compared_on_its_re_derived_situations()
    {
        var (id, events) = RecordedApplications.Of("cs-applicant-0007");
        var old = events.Select(e => e.Data is CertificateEligibilityDecided d ? e with { Data = d with { SituationCriteria = null } } : e).ToList();

        var replayed = (await RecordedApplications.ReplayAsync(id, old, RecordedApplications.Proposed)).ShouldNotBeNull();

        replayed.ChangedClauses.ShouldBe([DocumentSituationClause, ValidityRunningOutClause]);
    }

    [Fact]
    public async Task a_case_without_events_is_not_replayed()
    {
        var (id, _, _) = RecordedApplications.Yuelu[0];

        (await RecordedApplications.ReplayAsync(id, [], RecordedApplications.Proposed)).ShouldBeNull();
    }

    [Fact]
    public void every_recorded_application_holds_its_eligibility_decision_from_the_same_command()
    {
        // The old replay skipped an application recorded without its eligibility decision; the
        // pipeline appends the two together, so no stored application lacks it.
        foreach (var (_, _, events) in RecordedApplications.Yuelu)
        {
            events.Count.ShouldBeGreaterThanOrEqualTo(2);
            var (applied, decided) = (events[0], events[1]);
            applied.Data.ShouldBeOfType<CertificateApplied>();
            decided.Data.ShouldBeOfType<CertificateEligibilityDecided>();
            decided.Timestamp.ShouldBe(applied.Timestamp);
            decided.Actor.ShouldBe(applied.Actor);
            decided.Rule.ShouldBe(applied.Rule);
        }
    }

    [Fact]
    public void every_decision_of_the_kind_can_be_rebuilt_from_what_it_recorded()
    {
        var kind = new CertificateKind();

        kind.RuleId.ShouldBe(CertificateRules.RuleId);
        kind.Commands.ShouldAllBe(c => c.ReplayedFrom.Count == 1);
        kind.Opening.CommandType.ShouldBe(typeof(ApplyForCertificate));
        CertificateScenarioFiles.Words.Kind.Name.ShouldBe(CertificateKind.KindName);
        CertificateScenarioFiles.Words.WhatIfOutcome.ShouldBe("route");
        CertificateScenarioFiles.Words.WhatIfAmount.ShouldBeNull();
        CertificateScenarioFiles.Runner.Engine.VocabularyOf(CertificateKind.KindName).Kind.ShouldBeOfType<CertificateKind>();
    }
}

// The situation clauses were added to the eligibility decision later; events stored before them still read.
public class when_reading_an_eligibility_decision_stored_before_the_situation_clauses
{
    [Fact]
    public void a_decision_without_situation_criteria_deserializes_with_none_and_keeps_its_situations()
    {
        var decided = CertificateScenario.AnEligibleApplicant().Holding(new ExistingDocument(new DateOnly(2026, 2, 10), Damaged: true, LostOrStolen: false, VisaPagesUsedUp: false)).Applied().Eligibility;
        var stored = JsonNode.Parse(JsonSerializer.Serialize(decided, CaseJson.Options))!.AsObject();
        stored.Remove("situationCriteria").ShouldBeTrue();

        var read = JsonSerializer.Deserialize<CertificateEligibilityDecided>(stored, CaseJson.Options).ShouldNotBeNull();

        read.SituationCriteria.ShouldBeNull();
        read.Situations.ShouldBe([DocumentSituation.ValidityRunningOut, DocumentSituation.Damaged]);
        read.Clauses.Select(c => c.Clause).ShouldBe(decided.Criteria.Select(c => c.Clause));
    }
}
