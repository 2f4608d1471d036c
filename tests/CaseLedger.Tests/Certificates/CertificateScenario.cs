using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.Rules;

namespace CaseLedger.Tests.Certificates;

/// <summary>The versions of the certificate-online rule in the library's default rule book.</summary>
internal static class CertificateRuleBook
{
    public static RuleBook Book { get; } = RuleBook.Default();

    /// <summary>Version "0": before the pilot, the online route is closed.</summary>
    public static CertificateRules BeforeThePilot { get; } = Book.Get<CertificateRules>(CertificateRules.RuleId, "0");

    /// <summary>Version "1": the second pilot batch, from 2025-11-20.</summary>
    public static CertificateRules Pilot { get; } = Book.Get<CertificateRules>(CertificateRules.RuleId, "1");

    /// <summary>China Standard Time, the rule book's offset.</summary>
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);
}

/// <summary>
/// Builds the history of one application by calling the pure decision functions and folding every
/// accepted event into the state. By default the applicant is eligible: a Changsha resident born in
/// 1986, fingerprints on file, a passport expiring in about two months, applying through WeChat on
/// 2025-12-01 (inside the pilot). Each "given" changes one fact. Steps named in the past tense
/// (<see cref="Applied"/>, <see cref="Reviewed"/>, ...) must be accepted; steps named as commands
/// (<see cref="Apply()"/>, <see cref="Review"/>, ...) return the decision and fold it only if accepted.
/// </summary>
internal sealed class CertificateScenario
{
    /// <summary>10:00 in Changsha on 2025-12-01, eleven days into the pilot.</summary>
    public static readonly DateTimeOffset DefaultAppliedAt = new(2025, 12, 1, 10, 0, 0, CertificateRuleBook.Cst);

    public static readonly DateOnly DefaultApplicationDate = new(2025, 12, 1);

    private readonly List<object> _history = [];
    private Certificate? _state;

    public Guid ApplicationId { get; } = Guid.NewGuid();

    public DocumentType DocumentType { get; private set; } = DocumentType.OrdinaryPassport;

    public ApplicantFacts Applicant { get; private set; } =
        new("applicant-0001", "Liu Wenjing", new DateOnly(1986, 4, 17), "Changsha", FingerprintsOnFile: true);

    public ExistingDocument Document { get; private set; } = new(ExpiresOn: new DateOnly(2026, 2, 10));

    public Channel Channel { get; private set; } = Channel.WeChatMiniProgram;

    public DateTimeOffset AppliedAt { get; private set; } = DefaultAppliedAt;

    /// <summary>When the last accepted step happened; the next one defaults to an hour later.</summary>
    public DateTimeOffset LastStepAt { get; private set; }

    public IReadOnlyList<object> History => _history;

    public Certificate State => _state ?? throw new InvalidOperationException("Nobody has applied yet.");

    public CertificateEligibility View => Fold.Events<CertificateEligibility>(CertificateEligibilityProjection.Evolve, _history)
        ?? throw new InvalidOperationException("Nobody has applied yet.");

    public CertificateEligibilityDecided Eligibility => _history.OfType<CertificateEligibilityDecided>().Single();

    public static CertificateScenario AnEligibleApplicant() => new();

    // ---- Givens about the application ------------------------------------------------------------

    public CertificateScenario For(DocumentType type)
    {
        DocumentType = type;
        return this;
    }

    public CertificateScenario Born(int year, int month, int day)
    {
        Applicant = Applicant with { DateOfBirth = new DateOnly(year, month, day) };
        return this;
    }

    public CertificateScenario RegisteredIn(string city)
    {
        Applicant = Applicant with { HouseholdCity = city };
        return this;
    }

    public CertificateScenario FingerprintsOnFile(bool onFile)
    {
        Applicant = Applicant with { FingerprintsOnFile = onFile };
        return this;
    }

    public CertificateScenario WithApplicant(ApplicantFacts applicant)
    {
        Applicant = applicant;
        return this;
    }

    public CertificateScenario Holding(ExistingDocument document)
    {
        Document = document;
        return this;
    }

    public CertificateScenario Through(Channel channel)
    {
        Channel = channel;
        return this;
    }

    public CertificateScenario ApplyingAt(DateTimeOffset at)
    {
        AppliedAt = at;
        return this;
    }

    // ---- Applying -----------------------------------------------------------------------------

    public ApplyForCertificate ApplyCommand() => new(ApplicationId, DocumentType, Applicant, Document);

    /// <summary>When: apply at <see cref="AppliedAt"/> under the rule version the default rule book has in force then.</summary>
    public Decision Apply() => Apply(ApplyCommand());

    public Decision Apply(ApplyForCertificate command) =>
        Record(ApplyingForACertificate.Decide(command, Channel, AppliedAt, CertificateRuleBook.Book));

    /// <summary>When: apply under an explicit rule version (a what-if, or a changed parameter).</summary>
    public Decision ApplyUnder(CertificateRules rules) =>
        Record(ApplyingForACertificate.Decide(ApplyCommand(), Channel, AppliedAt, CertificateRuleBook.Book.LocalDate(AppliedAt), rules));

    /// <summary>Given: the application was taken (on whichever route).</summary>
    public CertificateScenario Applied() => Given(Apply());

    // ---- The lifecycle ------------------------------------------------------------------------

    public Decision Review(DateTimeOffset? at = null) =>
        Record(ReviewingAnApplication.Decide(new ReviewCertificateApplication(ApplicationId), State, at ?? Next()));

    public Decision Approve(DateTimeOffset? at = null) =>
        Record(ReviewingAnApplication.Decide(new ApproveCertificate(ApplicationId), State, at ?? Next()));

    public Decision Reject(string reason, DateTimeOffset? at = null) =>
        Record(ReviewingAnApplication.Decide(new RejectCertificateApplication(ApplicationId, reason), State, at ?? Next()));

    public Decision Produce(DateTimeOffset? at = null) =>
        Record(IssuingACertificate.Decide(new ProduceCertificate(ApplicationId), State, at ?? Next()));

    public Decision Mail(string trackingReference = "SF1458203377061", DateTimeOffset? at = null) =>
        Record(IssuingACertificate.Decide(new MailCertificate(ApplicationId, trackingReference), State, at ?? Next()));

    public Decision Deliver(DateTimeOffset? at = null) =>
        Record(IssuingACertificate.Decide(new RecordCertificateDelivery(ApplicationId), State, at ?? Next()));

    /// <summary>When: take a step by its name.</summary>
    public Decision Take(CertificateStep step) => step switch
    {
        CertificateStep.Review => Review(),
        CertificateStep.Approve => Approve(),
        CertificateStep.Reject => Reject("The photo does not meet the standard."),
        CertificateStep.Produce => Produce(),
        CertificateStep.Mail => Mail(),
        CertificateStep.Deliver => Deliver(),
        _ => throw new ArgumentOutOfRangeException(nameof(step)),
    };

    public CertificateScenario Reviewed() => Given(Review());

    public CertificateScenario Approved() => Given(Approve());

    public CertificateScenario Rejected(string reason = "The photo does not meet the standard.") => Given(Reject(reason));

    public CertificateScenario Produced() => Given(Produce());

    public CertificateScenario Mailed() => Given(Mail());

    public CertificateScenario Delivered() => Given(Deliver());

    /// <summary>Given: every step from application to delivery, an hour apart.</summary>
    public CertificateScenario DeliveredToTheDoor() => Applied().Reviewed().Approved().Produced().Mailed().Delivered();

    // ---- Plumbing ------------------------------------------------------------------------------

    private DateTimeOffset Next() => LastStepAt.AddHours(1);

    private Decision Record(Decision decision)
    {
        if (decision.IsAccepted)
        {
            foreach (var e in decision.Events)
            {
                _history.Add(e);
                _state = CertificateProjection.Evolve(_state, e);
            }

            if (_state is not null)
            {
                LastStepAt = _state.LastStepAt;
            }
        }

        return decision;
    }

    private CertificateScenario Given(Decision decision)
    {
        if (!decision.IsAccepted)
        {
            throw new InvalidOperationException($"A step of the scenario's history was refused: {decision.Rejection}");
        }

        return this;
    }
}

/// <summary>Then-assertions on decisions and criteria.</summary>
internal static class CertificateAssertions
{
    public static T ShouldAppendOne<T>(this Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.Rejection.ShouldBeNull();
        return decision.Events.ShouldHaveSingleItem().ShouldBeOfType<T>();
    }

    /// <summary>The decision was refused with this code, and appends nothing.</summary>
    public static Rejection ShouldBeRejectedWith(this Decision decision, string code)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.IsAccepted.ShouldBeFalse();
        decision.Events.ShouldBeEmpty();
        var rejection = decision.Rejection.ShouldNotBeNull();
        rejection.Code.ShouldBe(code);
        rejection.Reason.ShouldNotBeNullOrWhiteSpace();
        return rejection;
    }

    /// <summary>The application was taken: applied and eligibility decided, in that order.</summary>
    public static CertificateEligibilityDecided ShouldBeTaken(this Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.Rejection.ShouldBeNull();
        decision.Events.Count.ShouldBe(2);
        decision.Events[0].ShouldBeOfType<CertificateApplied>();
        return decision.Events[1].ShouldBeOfType<CertificateEligibilityDecided>();
    }

    public static CriterionResult Clause(this CertificateEligibilityDecided decided, string clause)
    {
        ArgumentNullException.ThrowIfNull(decided);
        return decided.Criteria.Where(c => c.Clause == clause).ShouldHaveSingleItem();
    }
}
