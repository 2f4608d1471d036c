using CaseLedger.Cases.PortVisas;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;

namespace CaseLedger.Tests.PortVisas;

// The port visa decisions called as pure functions: no ledger, no database, the time passed in.
public sealed class when_deciding_port_visas
{
    private static readonly RuleBook Book = StandardKinds.Create().DefaultRules();
    private static readonly Guid Id = Guid.Parse("0196b000-0000-7000-8000-00000000abcd");
    private static readonly DateTimeOffset Eight = new(2025, 6, 10, 8, 0, 0, TimeSpan.FromHours(8));
    private static readonly PortVisaRules Rules = Book.InForce<PortVisaRules>(PortVisaRules.RuleId, Eight);

    private static SubmitTraveller Submission(decimal fee = 0m, VisaHandling handling = VisaHandling.InAdvance) =>
        new("ZJJ-G01", "zhangjiajie-cits", "KE8853", "Kim Min-jun", "M12345678", "KOR", handling, fee);

    private static Traveller Fold(IEnumerable<object> events) => Core.Fold.Events<Traveller>(TravellerProjection.Evolve, events)!;

    private static Traveller Submitted(VisaHandling handling = VisaHandling.InAdvance) =>
        Fold(SubmittingATraveller.Decide(Submission(handling: handling), Id, Channel.Proxy, Eight, Rules).Events);

    private static Traveller Then(Traveller traveller, Decision decision) => decision.Events.Aggregate(traveller, (t, e) => TravellerProjection.Evolve(t, e)!);

    [Fact]
    public void the_fee_and_the_stay_come_from_the_rule_not_from_code()
    {
        Rules.MaximumFee.ShouldBe(0m);
        Rules.StayDays.ShouldBe(30);
        Rules.Rule.ShouldBe(new RuleRef("port-visa", "1"));
    }

    [Fact]
    public void a_submitted_traveller_records_its_group_agency_and_handling()
    {
        var traveller = Submitted(VisaHandling.SpecialCase);

        traveller.Id.ShouldBe(Id);
        traveller.GroupId.ShouldBe("ZJJ-G01");
        traveller.Agency.ShouldBe("zhangjiajie-cits");
        traveller.Handling.ShouldBe(VisaHandling.SpecialCase);
        traveller.Status.ShouldBe(VisaStatus.Submitted);
        traveller.Channel.ShouldBe(Channel.Proxy);
    }

    [Theory]
    [InlineData(0.01)]
    [InlineData(50)]
    public void a_fee_added_by_the_agency_is_refused_with_the_no_fee_clause(double fee)
    {
        var decision = SubmittingATraveller.Decide(Submission((decimal)fee), Id, Channel.Proxy, Eight, Rules);

        decision.Rejection!.Code.ShouldBe("port_visa.fee_not_allowed");
        decision.Events.ShouldBeEmpty();
        decision.Clauses.ShouldHaveSingleItem().ShouldSatisfyAllConditions(c => c.Clause.ShouldBe("port-visa.no-fee"), c => c.Met.ShouldBeFalse());
    }

    [Fact]
    public void a_fee_charged_by_the_window_is_refused_and_the_traveller_still_waits()
    {
        var decision = DecidingAVisa.Decide(new IssueVisa("ZJJ-V-1", 20m), Submitted(), Eight.AddHours(1), Book);

        decision.Rejection!.Code.ShouldBe("port_visa.fee_not_allowed");
        decision.Clauses.ShouldContain(c => c.Clause == "port-visa.no-fee" && !c.Met);
    }

    [Fact]
    public void a_negative_fee_or_a_missing_detail_is_invalid()
    {
        SubmittingATraveller.Decide(Submission(-1m), Id, Channel.Proxy, Eight, Rules).Rejection!.Kind.ShouldBe(RejectionKind.Invalid);
        SubmittingATraveller.Decide(Submission() with { PassportNumber = " " }, Id, Channel.Proxy, Eight, Rules).Rejection!.Code
            .ShouldBe("port_visa.details_missing");
        SubmittingATraveller.Decide(Submission(handling: (VisaHandling)9), Id, Channel.Proxy, Eight, Rules).Rejection!.Code
            .ShouldBe("port_visa.details_missing");
        SubmittingATraveller.Decide(Submission(), Id, Channel.Proxy, Eight, null).Rejection!.Code.ShouldBe("port_visa.no_rule_in_force");
    }

    [Fact]
    public void an_issued_visa_is_valid_for_the_rules_stay_counted_in_civil_days()
    {
        // 23:30 UTC on 9 June is 07:30 on 10 June at the port: the stay counts from 10 June.
        var issued = Then(Submitted(), DecidingAVisa.Decide(new IssueVisa("ZJJ-V-1", 0m), Submitted(), new DateTimeOffset(2025, 6, 9, 23, 30, 0, TimeSpan.Zero), Book));

        issued.Status.ShouldBe(VisaStatus.Issued);
        issued.VisaNumber.ShouldBe("ZJJ-V-1");
        issued.ValidUntil.ShouldBe(new DateOnly(2025, 7, 9));
    }

    [Fact]
    public void a_traveller_is_decided_once_and_a_refusal_says_why()
    {
        var refused = Then(Submitted(), DecidingAVisa.Decide(new RefuseVisa("Passport expires within the stay"), Submitted(), Eight));
        refused.Status.ShouldBe(VisaStatus.Refused);
        refused.RefusalReason.ShouldBe("Passport expires within the stay");

        DecidingAVisa.Decide(new IssueVisa("ZJJ-V-2", 0m), refused, Eight, Book).Rejection!.Code.ShouldBe("port_visa.already_decided");
        DecidingAVisa.Decide(new RefuseVisa("  "), Submitted(), Eight).Rejection!.Code.ShouldBe("port_visa.reason_missing");
        DecidingAVisa.Decide(new IssueVisa(" ", 0m), Submitted(), Eight, Book).Rejection!.Code.ShouldBe("port_visa.visa_number_missing");
    }

    [Fact]
    public void visas_are_counted_per_civil_day_and_per_agency()
    {
        var a = Then(Submitted(), DecidingAVisa.Decide(new IssueVisa("V1", 0m), Submitted(), Eight.AddDays(1), Book));
        var b = Submitted() with { Id = Guid.NewGuid(), Agency = "other-agency", GroupId = "G2" };
        var c = Then(b, DecidingAVisa.Decide(new RefuseVisa("no"), b, Eight));

        PortVisaReadings.PerDay([a, b, c], TimeSpan.FromHours(8)).ShouldBe(
        [
            new VisasOnDay("2025-06-10", 3, 0, 1),
            new VisasOnDay("2025-06-11", 0, 1, 0),
        ]);
        PortVisaReadings.PerAgency([a, b, c]).ShouldBe(
        [
            new VisasOfAgency("other-agency", 1, 2, 0, 1, 1),
            new VisasOfAgency("zhangjiajie-cits", 1, 1, 1, 0, 0),
        ]);
    }
}
