using System.Globalization;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Core.Summaries;
using Marten;

namespace CaseLedger.Cases.CoFunding;

/// <summary>
/// The co-funding award, declared once: its events under stable names, its state and read model, its
/// commands with their pure decisions (registration reads the referenced renovation vote), and the
/// district's summary across its projects.
/// </summary>
public sealed class CoFundingKind : CaseKind<CoFundingProject>
{
    public const string KindName = "co-funding-award";

    public CoFundingKind()
        : base(KindName, "co-funding-projects", CoFundingRules.RuleId, CoFundingProjectProjection.Evolve)
    {
        Title = "City and district co-fund a compound's renovation: a share of the audited cost, once the works are accepted";
        Label = "Co-funding award";

        Event<ProjectRegistered>("co_funding.project_registered.v1", e => new(
            $"Project registered for {e.Compound.Name} (built {e.Compound.YearBuilt}): {e.Description}, estimate {Eligibility.Yuan(e.EstimatedCost)}; " +
            (e.Eligible ? "eligible" : "not eligible: " + string.Join("; ", e.Eligibility.Where(c => !c.Met).Select(c => $"{c.Requirement} ({c.Detail})"))),
            IsDecision: true));
        Event<ProjectStarted>("co_funding.project_started.v1", _ => new("Works started"));
        Event<ProjectCompleted>("co_funding.project_completed.v1", e => new($"Completion accepted ({e.AcceptanceReference})"));
        Event<FinalCostAudited>("co_funding.final_cost_audited.v1",
            e => new($"Final cost audited at {Eligibility.Yuan(e.AuditedCost)} ({e.AuditReference}, revision {e.Revision})"));
        Event<AwardDecided>("co_funding.award_decided.v1", e => new(string.Create(CultureInfo.InvariantCulture,
            $"Grant decided: {Eligibility.Yuan(e.Grant.Total)} = {e.Rate:0.##%} of the audited {Eligibility.Yuan(e.AuditedCost)}; " +
            $"city {Eligibility.Yuan(e.Grant.City)}, district {Eligibility.Yuan(e.Grant.District)}"), IsDecision: true));
        Event<AwardAdjusted>("co_funding.award_adjusted.v1", e => new(
            $"Grant {(e.Difference.Total >= 0 ? "topped up" : "clawed back")} by {Eligibility.Yuan(Math.Abs(e.Difference.Total))} " +
            $"after audit {e.AuditReference}: now {Eligibility.Yuan(e.Grant.Total)}", IsDecision: true));
        Event<GrantSettled>("co_funding.grant_settled.v1", e => new(e.Amount.Total >= 0
            ? $"Paid {Eligibility.Yuan(e.Amount.Total)} ({e.PaymentReference})"
            : $"Recovered {Eligibility.Yuan(-e.Amount.Total)} ({e.PaymentReference})"));

        View<CoFundingEligibility>(CoFundingEligibilityProjection.Evolve)
            .NewestFirstBy(p => p.RegisteredAt);

        Opens<RegisterProject>("Register a compound's renovation project: the compound, the money and, when the maintenance fund pays, the owners' vote; eligibility is decided at once")
            .AllowedFor(Role.Clerk)
            .Reads((command, _, reader, ct) => VoteReference.ReadAsync(command.RenovationVoteId, reader, ct))
            .Decides((command, context) => RegisteringAProject.Decide(command, context.CaseId, context.Fact<VoteReference>(), context.Acting.Channel,
                context.Now, context.Rules.TryInForce<CoFundingRules>(RuleId, context.Now)))
            .Replays<ProjectRegistered>(e => new RegisterProject(e.Compound, e.Description, e.EstimatedCost, e.Funding, e.RenovationVoteId), e => e.RegisteredAt);
        On<StartProject>("start", "Record that the works started")
            .AllowedFor(Role.Clerk)
            .Decides((command, project, context) => AdvancingAProject.Decide(command, project, context.Now))
            .Replays<ProjectStarted>(_ => new StartProject(), e => e.StartedAt);
        On<CompleteProject>("completion", "Record completion acceptance of the works, with its reference")
            .AllowedFor(Role.Clerk)
            .Decides((command, project, context) => AdvancingAProject.Decide(command, project, context.Now))
            .Replays<ProjectCompleted>(e => new CompleteProject(e.AcceptanceReference), e => e.CompletedAt);
        On<AuditFinalCost>("audits", "Record the audited final cost; a later audit revises it and adjusts a decided grant")
            .AllowedFor(Role.Clerk)
            .Decides((command, project, context) => AdvancingAProject.Decide(command, project, context.Now))
            .Replays<FinalCostAudited>(e => new AuditFinalCost(e.AuditedCost, e.AuditReference), e => e.AuditedAt);
        On<DecideAward>("award", "Decide the grant on the audited cost, under the rule the project was registered with")
            .AllowedFor(Role.Clerk)
            .Decides((command, project, context) => AwardingTheGrant.Decide(command, project, context.Now))
            .Replays<AwardDecided>(_ => new DecideAward(), e => e.DecidedAt);
        On<SettleGrant>("settlements", "Pay what is due, or record the recovery of what was overpaid after a claw-back")
            .AllowedFor(Role.Clerk)
            .Decides((command, project, context) => AwardingTheGrant.Decide(command, project, context.Now))
            .Replays<GrantSettled>(e => new SettleGrant(e.PaymentReference), e => e.SettledAt);

        Summarizes<CoFundingEligibility>(CoFundingSummary.SummaryName, CoFundingSummary.ContributionOf);
        Query("co-funding-summary", "The district's co-funding across its projects: grants decided and paid, the other money beside them, the leverage",
            async (session, _, ct) => CoFundingSummary.FromCells(session.TenantId, await SummaryStore.ReadAsync(session, CoFundingSummary.SummaryName, null, null, ct)));

        // Scenarios may leave out what the old scenario format worked out: the compound's id (from its
        // name) and the estimate (the money listed).
        ScenarioHook("compound-id-from-name", CompoundIdFromName);
        ScenarioHook("estimate-from-funding", EstimateFromFunding);
    }

    /// <summary>A compound written without an id gets one made from its name: <c>Old Mill Lane</c> is <c>old-mill-lane</c>.</summary>
    private static string? CompoundIdFromName(JsonObject registration, IReadOnlyList<JsonObject> history)
    {
        if (registration["compound"] is not JsonObject compound || compound["id"] is not null)
        {
            return null;
        }

        if (compound["name"]?.GetValue<string>() is not { Length: > 0 } name)
        {
            return "name the compound (name: ...) or give its id (id: ...)";
        }

        compound["id"] = string.Join('-', name.ToLowerInvariant().Split(' ', StringSplitOptions.RemoveEmptyEntries));
        return null;
    }

    /// <summary>A registration written without an estimate estimates the cost at the money it lists.</summary>
    private static string? EstimateFromFunding(JsonObject registration, IReadOnlyList<JsonObject> history)
    {
        if (registration["estimatedCost"] is not null)
        {
            return null;
        }

        if (registration["funding"] is not JsonArray { Count: > 0 } funding)
        {
            return "give the estimate (estimate: ...) or list the funding it is made of (funding: ...)";
        }

        registration["estimatedCost"] = funding.OfType<JsonObject>().Sum(f => f["amount"]!.GetValue<decimal>());
        return null;
    }
}
