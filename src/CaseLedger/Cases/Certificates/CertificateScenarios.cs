using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;
using ScenarioFacts = CaseLedger.Scenarios.Facts;

namespace CaseLedger.Cases.Certificates;

/// <summary>
/// Reads and runs scenarios of the fully online certificate issuance (docs/scenarios/certificate-issuance.md).
/// <c>given</c> states the applicant, the existing document and the channel, and may list earlier steps
/// of the case (<c>applied</c>, <c>reviewed</c>, <c>approved</c>, <c>rejected</c>, <c>produced</c>,
/// <c>mailed</c>, <c>delivered</c>) with their times; <c>when</c> is one step (<c>apply</c>,
/// <c>review</c>, <c>approve</c>, <c>reject</c>, <c>produce</c>, <c>mail</c>, <c>deliver</c>). Every step
/// is decided by the same pure functions the handlers call, under the scenario's rule version.
/// </summary>
public sealed class CertificateScenarios : IScenarioDriver
{
    /// <summary>
    /// The civil time in which an application's date is taken: the default rule book's time zone, which
    /// is also the offset scenario times without one are read at.
    /// </summary>
    public static readonly TimeSpan CivilTime = TimeSpan.FromHours(8);

    /// <summary>Who the applicant is when a scenario does not say: an adult Changsha resident with fingerprints on file.</summary>
    public static readonly ApplicantFacts DefaultApplicant = new("applicant-1", "Applicant", new DateOnly(1986, 4, 17), "Changsha", true);

    // Back-office actors for the store run; the audit trail shows them, the decisions do not read them.
    private const string Clerk = "exit-entry-clerk";
    private const string ProductionCentre = "exit-entry-production-centre";
    private const string Mailroom = "exit-entry-mailroom";
    private const string Courier = "courier";

    private static readonly string[] StepKeys = ["applied", "reviewed", "approved", "rejected", "produced", "mailed", "delivered"];
    private static readonly string[] GivenKeys = ["applicant", "document", "channel", .. StepKeys];
    private static readonly string[] WhenKeys = ["apply", "review", "approve", "reject", "produce", "mail", "deliver"];

    public string Kind => CertificateKind.KindName;

    public string RuleId => CertificateRules.RuleId;

    public IReadOnlyList<ClauseInfo> Clauses { get; } =
    [
        new(Eligibility.RouteOpenClause, "the fully online route is open under the rule version (closed before the pilot of 2025-11-20)"),
        new(Eligibility.ChannelClause, "applied through the national platform's website, WeChat mini-program or Alipay mini-program"),
        new(Eligibility.HouseholdCityClause, "household registration (hukou) in the rule's city (Changsha)"),
        new(Eligibility.AgeClause, "aged the rule's minimum (16) or older on the application date; a 29 February birthday is 1 March in a common year"),
        new(Eligibility.DocumentSituationClause, "the existing document is in at least one of the four situations below"),
        new(Eligibility.ValidityRunningOutClause, "less than the rule's months (6) of validity left, or expired; exactly that much left does not qualify"),
        new(Eligibility.DamagedClause, "the existing document is damaged"),
        new(Eligibility.LostOrStolenClause, "the existing document was lost or stolen"),
        new(Eligibility.VisaPagesUsedUpClause, "the existing document's visa pages are used up"),
        new(Eligibility.FingerprintsClause, "fingerprints taken at an earlier application are on file"),
    ];

    /// <summary>What "then" may check besides rejected, events and clauses.</summary>
    public IReadOnlyList<string> Facts { get; } = ["route", "status", "unmet", "situations", "age", "application-date", "rule", "elapsed-days"];

    public Observation Run(Scenario scenario, RuleVersion rule)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        var rules = Parameters(scenario, rule);
        var plan = Plan.Read(scenario);
        var id = Guid.NewGuid();
        var history = new List<object>();
        Certificate? state = null;
        foreach (var step in plan.Given)
        {
            var given = Decide(step, plan, id, state, rules);
            if (given.Rejection is { } refused)
            {
                throw Refused(step, refused);
            }

            history.AddRange(given.Events);
            state = Fold.Events(CertificateProjection.Evolve, given.Events, state);
        }

        var decision = Decide(plan.When, plan, id, state, rules);
        var events = decision.IsAccepted ? decision.Events : [];
        history.AddRange(events);
        var view = Fold.Events<CertificateEligibility>(CertificateEligibilityProjection.Evolve, history);
        return Observe(decision.Rejection, events, events.Select(e => CertificateKind.EventNames[e.GetType()]).ToList(), history, view);
    }

    public async Task<Observation> RunInStoreAsync(Scenario scenario, RuleVersion rule, IDocumentStore store, string district, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(store);
        var rules = Parameters(scenario, rule);
        var plan = Plan.Read(scenario);
        // A fresh case per run, so a scenario can run any number of times against the same store.
        var id = Guid.NewGuid();
        foreach (var step in plan.Given)
        {
            if ((await SendAsync(step, plan, id, rules, store, district, ct)).Rejection is { } refused)
            {
                throw Refused(step, refused);
            }
        }

        var outcome = await SendAsync(plan.When, plan, id, rules, store, district, ct);
        await using var session = store.QuerySession(district);
        var stored = await session.Events.FetchStreamAsync(id, token: ct);
        var appended = outcome.IsAccepted ? stored.Skip(stored.Count - outcome.Appended.Count).ToList() : [];
        var view = await session.LoadAsync<CertificateEligibility>(id, ct);
        return Observe(outcome.Rejection, appended.Select(e => e.Data).ToList(), appended.Select(e => e.EventTypeName).ToList(),
            stored.Select(e => e.Data).ToList(), view);
    }

    private static async Task<CommandOutcome> SendAsync(
        Step step, Plan plan, Guid id, CertificateRules rules, IDocumentStore store, string district, CancellationToken ct)
    {
        await using var session = store.LightweightSession(district);
        return step.Verb == "apply"
            ? await CaseCommands.StartAsync<Certificate>(session, id, plan.Applying, () => Decide(step, plan, id, null, rules), ct)
            : await CaseCommands.ExecuteAsync<Certificate>(session, id, null, BackOffice(step.Verb),
                state => Decide(step, plan, id, state, rules), ct);
    }

    /// <summary>One step through the kind's pure decisions, exactly as the handlers call them.</summary>
    private static Decision Decide(Step step, Plan plan, Guid id, Certificate? state, CertificateRules rules)
    {
        if (step.Verb == "apply")
        {
            return ApplyingForACertificate.Decide(plan.Command(id), plan.Channel, step.At, LocalDate(step.At), rules);
        }

        // Plan.Read makes sure an application comes first; this guards the store run's reading of it.
        var application = state ?? throw step.Node.Error("there is no application yet: add 'applied: <time>' to given");
        return step.Verb switch
        {
            "review" => ReviewingAnApplication.Decide(new ReviewCertificateApplication(id), application, step.At),
            "approve" => ReviewingAnApplication.Decide(new ApproveCertificate(id), application, step.At),
            "reject" => ReviewingAnApplication.Decide(new RejectCertificateApplication(id, step.Text ?? ""), application, step.At),
            "produce" => IssuingACertificate.Decide(new ProduceCertificate(id), application, step.At),
            "mail" => IssuingACertificate.Decide(new MailCertificate(id, step.Text ?? ""), application, step.At),
            "deliver" => IssuingACertificate.Decide(new RecordCertificateDelivery(id), application, step.At),
            _ => throw step.Node.Error($"'{step.Verb}' is not a step of an application"),
        };
    }

    /// <summary>The calendar date of an instant in the rule book's civil time, on which age and validity are measured.</summary>
    public static DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(CivilTime).DateTime);

    private static Acting BackOffice(string verb) => verb switch
    {
        "produce" => new Acting(ProductionCentre, Channel.ServiceWindow),
        "mail" => new Acting(Mailroom, Channel.ServiceWindow),
        "deliver" => new Acting(Courier, Channel.ServiceWindow),
        _ => new Acting(Clerk, Channel.ServiceWindow),
    };

    private static CertificateRules Parameters(Scenario scenario, RuleVersion rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        try
        {
            return RuleBook.Parameters<CertificateRules>(rule);
        }
        catch (RuleBookException e)
        {
            throw new ScenarioFormatException(scenario.File, scenario.Line, e.Message);
        }
    }

    private static ScenarioFormatException Refused(Step step, Rejection refused) =>
        step.Node.Error($"this step of the history was refused ({refused.Code}): {refused.Reason}");

    private static Observation Observe(
        Rejection? rejection, IReadOnlyList<object> events, IReadOnlyList<string> types, IReadOnlyList<object> history, CertificateEligibility? view)
    {
        var clauses = events.OfType<CertificateEligibilityDecided>()
            .SelectMany(e => e.Criteria.Concat(e.SituationCriteria ?? []))
            .ToList();
        return new Observation(rejection, events, types, clauses, FactsOf(history, view));
    }

    /// <summary>The case's facts from its read model (and, for the age, its application event).</summary>
    private static Dictionary<string, string> FactsOf(IReadOnlyList<object> history, CertificateEligibility? view)
    {
        var facts = new Dictionary<string, string>();
        if (view is null)
        {
            return facts;
        }

        facts["status"] = view.Status.ToString();
        facts["application-date"] = view.ApplicationDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        facts["rule"] = view.Rule.ToString();
        if (history.OfType<CertificateApplied>().FirstOrDefault() is { } applied)
        {
            facts["age"] = Eligibility.AgeOn(applied.Applicant.DateOfBirth, applied.ApplicationDate).ToString(CultureInfo.InvariantCulture);
        }

        if (view.Route is { } route)
        {
            facts["route"] = CertificateWhatIf.Outcome(route);
            var unmet = view.Criteria.Where(c => !c.Met).Select(c => ShortClause(c.Clause)).ToList();
            facts["unmet"] = unmet.Count == 0 ? "none" : string.Join(", ", unmet);
            facts["situations"] = view.Situations.Count == 0 ? "none" : string.Join(", ", view.Situations);
        }

        if (view.ElapsedDays is { } days)
        {
            facts["elapsed-days"] = ScenarioFacts.Of(days);
        }

        return facts;
    }

    private static string ShortClause(string clause) =>
        clause.StartsWith(CertificateRules.RuleId + ".", StringComparison.Ordinal) ? clause[(CertificateRules.RuleId.Length + 1)..] : clause;

    /// <summary>One step of a scenario: its verb (apply, review, ...), time, reason or tracking reference, and where it is written.</summary>
    private sealed record Step(string Verb, DateTimeOffset At, string? Text, ScenarioNode Node);

    /// <summary>What a scenario's given and when say, read once and checked before anything is decided.</summary>
    private sealed record Plan(
        DocumentType DocumentType,
        ApplicantFacts Applicant,
        ExistingDocument? Document,
        Channel Channel,
        IReadOnlyList<Step> Given,
        Step When)
    {
        public ApplyForCertificate Command(Guid id) => new(id, DocumentType, Applicant, Document);

        /// <summary>
        /// Who applies in the store run: the applicant online; a window clerk or help-and-handle staff for them
        /// otherwise, so the audit trail reads as it would.
        /// </summary>
        public Acting Applying
        {
            get
            {
                // A blank id is the decision's to refuse (applicant_id_missing), not the acting context's.
                var who = string.IsNullOrWhiteSpace(Applicant.Id) ? "applicant" : Applicant.Id.Trim();
                return Channel switch
                {
                    Channel.ServiceWindow => new Acting("window-clerk", Channel, OnBehalfOf: who),
                    Channel.Proxy => new Acting("help-and-handle-staff", Channel, OnBehalfOf: who),
                    _ => new Acting(who, Channel),
                };
            }
        }

        public static Plan Read(Scenario scenario)
        {
            var given = Mapping(scenario.Given, "given", NoDocument).OnlyKeys(GivenKeys);
            var steps = Steps(given);
            var when = Mapping(scenario.When, "when", OneStep).OnlyKeys(WhenKeys);
            if (when.Entries.Count != 1)
            {
                throw when.Error(OneStep);
            }

            var (verb, value) = when.Entries[0];
            var step = ReadStep(verb, value);
            if (verb == "apply" && steps.Count > 0)
            {
                throw steps[0].Node.Error("the application is the when-step here: a history of steps cannot come before it");
            }

            if (verb != "apply" && steps.Count == 0)
            {
                throw value.Error($"to {verb}, there must be an application: add 'applied: <time>' to given");
            }

            if (steps.Count > 0 && steps[0].Verb != "apply")
            {
                throw steps[0].Node.Error("the history starts with the application: write 'applied: <time>' first");
            }

            var document = given.Get("document") ?? throw given.Error(NoDocument);
            return new Plan(DocumentTypeOf(document), ApplicantOf(given.Get("applicant")), DocumentOf(document),
                ChannelOf(given.Get("channel")), steps, step);
        }

        private static string NoDocument =>
            "describe the existing document, e.g. document: { expires: 2026-03-01, damaged: no }, or write document: none for a first application";

        private static string OneStep => $"say one step here, one of: {string.Join(", ", WhenKeys)}";

        /// <summary>The given steps in the order written; each past-tense key names the step it records.</summary>
        private static List<Step> Steps(ScenarioNode given) =>
            given.Entries.Where(e => StepKeys.Contains(e.Key))
                .Select(e => ReadStep(WhenKeys[Array.IndexOf(StepKeys, e.Key)], e.Value))
                .ToList();

        /// <summary>A time, or { at, reason } for a rejection, or { at, tracking } for a mailing.</summary>
        private static Step ReadStep(string verb, ScenarioNode node)
        {
            var extra = verb switch
            {
                "reject" => "reason",
                "mail" => "tracking",
                _ => null,
            };
            if (node.IsScalar)
            {
                if (extra is not null)
                {
                    throw node.Error($"say the {extra} too: {{ at: <time>, {extra}: ... }}");
                }

                return new Step(verb, node.Time(), null, node);
            }

            node.OnlyKeys(extra is null ? ["at"] : ["at", extra]);
            return new Step(verb, node.Required("at").Time(), extra is null ? null : node.Required(extra).Text, node);
        }

        /// <summary>A section must be a mapping; an empty one (<c>given:</c> with nothing after it) is told what it lacks.</summary>
        private static ScenarioNode Mapping(ScenarioNode node, string section, string whenEmpty) =>
            node.IsMapping
                ? node
                : throw node.Error(node.IsScalar && node.Text.Length == 0 ? whenEmpty : $"{section} is a mapping (key: value lines)");

        private static ApplicantFacts ApplicantOf(ScenarioNode? node)
        {
            if (node is null)
            {
                return DefaultApplicant;
            }

            node.OnlyKeys("id", "name", "born", "hukou", "fingerprints");
            var defaults = DefaultApplicant;
            return new ApplicantFacts(
                Optional(node.Get("id"), n => n.Text, defaults.Id),
                Optional(node.Get("name"), n => n.Text, defaults.Name),
                Optional<DateOnly?>(node.Get("born"), n => n.Date(), defaults.DateOfBirth),
                Optional(node.Get("hukou"), n => n.Text, defaults.HouseholdCity),
                Optional<bool?>(node.Get("fingerprints"), n => n.Flag(), defaults.FingerprintsOnFile));
        }

        private static DocumentType DocumentTypeOf(ScenarioNode node)
        {
            if (!node.IsMapping || node.Get("type") is not { } type)
            {
                return DocumentType.OrdinaryPassport;
            }

            return Words(type.Text) switch
            {
                "passport" or "ordinarypassport" => DocumentType.OrdinaryPassport,
                "hongkongmacaopermit" or "hongkongandmacaopermit" => DocumentType.HongKongMacaoPermit,
                "taiwanpermit" => DocumentType.TaiwanPermit,
                _ => throw type.Error($"'{type.Text}' is not a document issued online: passport, hong-kong-macao-permit or taiwan-permit"),
            };
        }

        private static ExistingDocument? DocumentOf(ScenarioNode node)
        {
            if (node.IsScalar && Words(node.Text) == "none")
            {
                return null;
            }

            node.OnlyKeys("type", "expires", "damaged", "lost-or-stolen", "visa-pages-used-up");
            return new ExistingDocument(
                Optional<DateOnly?>(node.Get("expires"), n => n.Date(), null),
                node.Get("damaged")?.Flag() ?? false,
                node.Get("lost-or-stolen")?.Flag() ?? false,
                node.Get("visa-pages-used-up")?.Flag() ?? false);
        }

        private static Channel ChannelOf(ScenarioNode? node)
        {
            if (node is null)
            {
                return Channel.OnlinePlatform;
            }

            return Words(node.Text) switch
            {
                "website" or "onlineplatform" => Channel.OnlinePlatform,
                "wechat" or "wechatminiprogram" => Channel.WeChatMiniProgram,
                "alipay" or "alipayminiprogram" => Channel.AlipayMiniProgram,
                "window" or "servicewindow" => Channel.ServiceWindow,
                "proxy" => Channel.Proxy,
                _ => throw node.Error($"'{node.Text}' is not a channel an applicant uses: website, wechat, alipay, window or proxy"),
            };
        }

        /// <summary>A value as written, the default when the key is absent, or null when written <c>unknown</c>.</summary>
        private static T Optional<T>(ScenarioNode? node, Func<ScenarioNode, T> read, T absent) =>
            node is null ? absent : Words(node.Text) == "unknown" ? default! : read(node);

        private static string Words(string text) =>
            text.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal)
                .ToLowerInvariant();
    }
}
