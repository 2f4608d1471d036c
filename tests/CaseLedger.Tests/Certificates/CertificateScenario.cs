using System.Text.Json.Nodes;
using CaseLedger.Cases.Certificates;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Certificates;

/// <summary>The versions of the certificate-online rule in the kinds' default rule book.</summary>
internal static class CertificateRuleBook
{
    /// <summary>CaseLedger's kinds, from the one list the host registers.</summary>
    public static CaseKinds Kinds { get; } = StandardKinds.Create();

    public static RuleBook Book { get; } = Kinds.DefaultRules();

    /// <summary>Version "0": before the pilot, the online route is closed.</summary>
    public static CertificateRules BeforeThePilot { get; } = Book.Get<CertificateRules>(CertificateRules.RuleId, "0");

    /// <summary>Version "1": the second pilot batch, from 2025-11-20.</summary>
    public static CertificateRules Pilot { get; } = Book.Get<CertificateRules>(CertificateRules.RuleId, "1");

    /// <summary>China Standard Time, the rule book's offset.</summary>
    public static readonly TimeSpan Cst = TimeSpan.FromHours(8);

    /// <summary>
    /// The pilot's version with one parameter changed, as a proposed version of its own (named after
    /// the change), so a test can decide under it through the pipeline. A parameter the pilot's version
    /// does not have is a mistake in the test.
    /// </summary>
    public static RuleVersion PilotWith(string parameter, JsonNode value)
    {
        var pilot = Book.Get(CertificateRules.RuleId, "1");
        var parameters = (JsonObject)pilot.Parameters.DeepClone();
        if (!parameters.ContainsKey(parameter))
        {
            throw new ArgumentException($"{pilot.Ref} has no parameter '{parameter}'.", nameof(parameter));
        }

        parameters[parameter] = value;
        return new RuleVersion(CertificateRules.RuleId, $"1-{parameter}-{value.ToJsonString()}", $"The pilot with {parameter} = {value.ToJsonString()}",
            pilot.EffectiveFrom, Proposed: true, parameters);
    }
}

/// <summary>
/// Builds the history of one application through the command pipeline on an in-memory ledger
/// (<see cref="CaseFixture"/>: the kind's own declarations, decisions, snapshot and read model). By
/// default the applicant is eligible: a Changsha resident born in 1986, fingerprints on file, a
/// passport expiring in about two months, applying through WeChat on 2025-12-01 (inside the pilot),
/// under the rule version the rule book has in force then. Each "given" changes one fact. Steps named
/// in the past tense (<see cref="Applied"/>, <see cref="Reviewed"/>, ...) must be accepted; steps named
/// as commands (<see cref="Apply()"/>, <see cref="Review"/>, ...) return the <see cref="CommandOutcome"/>;
/// a refused one appends nothing.
/// </summary>
internal sealed class CertificateScenario
{
    /// <summary>10:00 in Changsha on 2025-12-01, eleven days into the pilot.</summary>
    public static readonly DateTimeOffset DefaultAppliedAt = new(2025, 12, 1, 10, 0, 0, CertificateRuleBook.Cst);

    public static readonly DateOnly DefaultApplicationDate = new(2025, 12, 1);

    /// <summary>The back office: an exit-entry clerk reviews, approves and rejects at a window.</summary>
    public static readonly Acting Clerk = new("exit-entry-clerk", Channel.ServiceWindow, Role.Clerk);

    private RuleBook _rules = CertificateRuleBook.Book;
    private CaseFixture? _fixture;

    public Guid ApplicationId { get; } = Guid.NewGuid();

    public DocumentType DocumentType { get; private set; } = DocumentType.OrdinaryPassport;

    public ApplicantFacts Applicant { get; private set; } =
        new("applicant-0001", "Liu Wenjing", new DateOnly(1986, 4, 17), "Changsha", FingerprintsOnFile: true);

    public ExistingDocument Document { get; private set; } = new(new DateOnly(2026, 2, 10), Damaged: false, LostOrStolen: false, VisaPagesUsedUp: false);

    public Channel Channel { get; private set; } = Channel.WeChatMiniProgram;

    public DateTimeOffset AppliedAt { get; private set; } = DefaultAppliedAt;

    /// <summary>When the last accepted step happened; the next one defaults to an hour later.</summary>
    public DateTimeOffset LastStepAt => _fixture?.State<Certificate>(ApplicationId)?.LastStepAt ?? AppliedAt;

    /// <summary>Every accepted event so far, in order.</summary>
    public IReadOnlyList<object> History => _fixture?.Events(ApplicationId) ?? [];

    /// <summary>Every accepted event so far with its metadata, as the store would record it.</summary>
    public IReadOnlyList<RecordedEvent> Recorded => _fixture?.Recorded(ApplicationId) ?? [];

    /// <summary>The write-side state (the inline snapshot) as the pipeline keeps it.</summary>
    public Certificate State => _fixture?.State<Certificate>(ApplicationId) ?? throw new InvalidOperationException("Nobody has applied yet.");

    /// <summary>The read model as the pipeline keeps it.</summary>
    public CertificateEligibility View =>
        _fixture?.View<CertificateEligibility>(ApplicationId) ?? throw new InvalidOperationException("Nobody has applied yet.");

    public CertificateEligibilityDecided Eligibility => History.OfType<CertificateEligibilityDecided>().Single();

    /// <summary>Who applies: the applicant, through <see cref="Channel"/>; by proxy, help-and-handle staff for the applicant.</summary>
    public Acting Applying
    {
        get
        {
            var applicant = string.IsNullOrWhiteSpace(Applicant.Id) ? "applicant" : Applicant.Id.Trim();
            return Channel == Channel.Proxy
                ? new Acting("staff-help-and-handle-01", Channel.Proxy, Role.Proxy, OnBehalfOf: applicant)
                : new Acting(applicant, Channel, Channel == Channel.ServiceWindow ? Role.Clerk : Role.Resident);
        }
    }

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

    /// <summary>Decided under <paramref name="version"/> whatever the application's date (a what-if, or a changed parameter).</summary>
    public CertificateScenario Under(RuleVersion version)
    {
        if (_fixture is not null)
        {
            throw new InvalidOperationException("The rule version is chosen before the application is made.");
        }

        _rules = CertificateRuleBook.Book.Substituting(version);
        return this;
    }

    // ---- Applying -----------------------------------------------------------------------------

    public ApplyForCertificate ApplyCommand() => new(DocumentType, Applicant, Document);

    /// <summary>When: apply at <see cref="AppliedAt"/> under the rule version the rule book has in force then.</summary>
    public CommandOutcome Apply() => Apply(ApplyCommand());

    public CommandOutcome Apply(ApplyForCertificate command) => Fixture.Run(ApplicationId, command, AppliedAt, Applying);

    /// <summary>When: apply under an explicit rule version (a what-if, or a changed parameter).</summary>
    public CommandOutcome ApplyUnder(RuleVersion version) => Under(version).Apply();

    /// <summary>Given: the application was taken (on whichever route).</summary>
    public CertificateScenario Applied() => Given(Apply());

    // ---- The lifecycle ------------------------------------------------------------------------

    public CommandOutcome Review(DateTimeOffset? at = null) => Step(new ReviewCertificateApplication(), at, Clerk);

    public CommandOutcome Approve(DateTimeOffset? at = null) => Step(new ApproveCertificate(), at, Clerk);

    public CommandOutcome Reject(string reason, DateTimeOffset? at = null) => Step(new RejectCertificateApplication(reason), at, Clerk);

    public CommandOutcome Produce(DateTimeOffset? at = null) =>
        Step(new ProduceCertificate(), at, new Acting("exit-entry-production-centre", Channel.ServiceWindow, Role.Clerk));

    public CommandOutcome Mail(string trackingReference = "SF1458203377061", DateTimeOffset? at = null) =>
        Step(new MailCertificate(trackingReference), at, new Acting("exit-entry-mailroom", Channel.ServiceWindow, Role.Clerk));

    public CommandOutcome Deliver(DateTimeOffset? at = null) =>
        Step(new RecordCertificateDelivery(), at, new Acting("courier", Channel.ServiceWindow, Role.Clerk));

    /// <summary>When: take a step by its name.</summary>
    public CommandOutcome Take(CertificateStep step) => step switch
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

    private CaseFixture Fixture => _fixture ??= new CaseFixture(CertificateRuleBook.Kinds, _rules);

    private CommandOutcome Step(object command, DateTimeOffset? at, Acting acting) =>
        Fixture.Run(ApplicationId, command, at ?? LastStepAt.AddHours(1), acting);

    private CertificateScenario Given(CommandOutcome outcome)
    {
        if (!outcome.IsAccepted)
        {
            throw new InvalidOperationException($"A step of the scenario's history was refused: {outcome.Rejection}");
        }

        return this;
    }
}

/// <summary>Then-assertions on outcomes, decisions and criteria.</summary>
internal static class CertificateAssertions
{
    /// <summary>The command was accepted with exactly one event, of type <typeparamref name="T"/>.</summary>
    public static T ShouldAppendOne<T>(this CommandOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        outcome.Rejection.ShouldBeNull();
        outcome.Appended.Count.ShouldBe(1);
        return outcome.Events.ShouldHaveSingleItem().ShouldBeOfType<T>();
    }

    /// <summary>The decision, taken directly, was accepted with exactly one event, of type <typeparamref name="T"/>.</summary>
    public static T ShouldAppendOne<T>(this Decision decision)
    {
        ArgumentNullException.ThrowIfNull(decision);
        decision.Rejection.ShouldBeNull();
        return decision.Events.ShouldHaveSingleItem().ShouldBeOfType<T>();
    }

    /// <summary>The command was refused with this code, and appended nothing.</summary>
    public static Rejection ShouldBeRejectedWith(this CommandOutcome outcome, string code)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        outcome.IsAccepted.ShouldBeFalse();
        outcome.Events.ShouldBeEmpty();
        outcome.Appended.ShouldBeEmpty();
        var rejection = outcome.Rejection.ShouldNotBeNull();
        rejection.Code.ShouldBe(code);
        rejection.Reason.ShouldNotBeNullOrWhiteSpace();
        return rejection;
    }

    /// <summary>
    /// The application was taken: applied and eligibility decided, in that order, under their stored
    /// names; the outcome carries the clauses the decision recorded.
    /// </summary>
    public static CertificateEligibilityDecided ShouldBeTaken(this CommandOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        outcome.Rejection.ShouldBeNull();
        outcome.Events.Count.ShouldBe(2);
        outcome.Appended.ShouldBe(["certificate.applied.v1", "certificate.eligibility_decided.v1"]);
        outcome.Version.ShouldBe(2);
        outcome.Events[0].ShouldBeOfType<CertificateApplied>();
        var decided = outcome.Events[1].ShouldBeOfType<CertificateEligibilityDecided>();
        outcome.Clauses.ShouldBe(decided.Clauses);
        return decided;
    }

    public static CriterionResult Clause(this CertificateEligibilityDecided decided, string clause)
    {
        ArgumentNullException.ThrowIfNull(decided);
        return decided.Criteria.Where(c => c.Clause == clause).ShouldHaveSingleItem();
    }
}
