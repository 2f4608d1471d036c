using System.ComponentModel.DataAnnotations;
using CaseLedger.Core;

namespace CaseLedger.Cases.CoFunding;

/// <summary>Record that the works started.</summary>
public sealed record StartProject;

/// <summary>Record completion acceptance of the works.</summary>
public sealed record CompleteProject([property: MaxLength(InputLimits.Reference)] string AcceptanceReference);

/// <summary>Record the audited final cost; a second audit revises it (and adjusts a decided grant).</summary>
public sealed record AuditFinalCost(decimal AuditedCost, [property: MaxLength(InputLimits.Reference)] string AuditReference);

/// <summary>The works and their cost: start, completion acceptance, and the audits of the final cost.</summary>
public static class AdvancingAProject
{
    public static readonly Refusal AcceptanceMissing = new("co_funding.acceptance_missing", RejectionKind.Invalid);
    public static readonly Refusal AlreadyCompleted = new("co_funding.already_completed");
    public static readonly Refusal AlreadyStarted = new("co_funding.already_started");
    public static readonly Refusal AuditReferenceMissing = new("co_funding.audit_reference_missing", RejectionKind.Invalid);
    public static readonly Refusal AuditUnchanged = new("co_funding.audit_unchanged");
    public static readonly Refusal AuditedCostInvalid = new("co_funding.audited_cost_invalid", RejectionKind.Invalid);
    public static readonly Refusal NotCompleted = new("co_funding.not_completed");
    public static readonly Refusal NotStarted = new("co_funding.not_started");

    public static Decision Decide(StartProject command, CoFundingProject project, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(project);
        return project.Stage == ProjectStage.Registered
            ? Decision.Accept(new ProjectStarted(project.Id, now))
            : Decision.Reject(AlreadyStarted, $"The project is already {project.Stage.ToString().ToLowerInvariant()}.");
    }

    public static Decision Decide(CompleteProject command, CoFundingProject project, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(project);
        if (string.IsNullOrWhiteSpace(command.AcceptanceReference))
        {
            return Decision.Reject(AcceptanceMissing, "Give the completion acceptance reference.");
        }

        return project.Stage switch
        {
            ProjectStage.Started => Decision.Accept(new ProjectCompleted(project.Id, command.AcceptanceReference.Trim(), now)),
            ProjectStage.Registered => Decision.Reject(NotStarted, "The works have not started, so they cannot be accepted as completed."),
            _ => Decision.Reject(AlreadyCompleted, "The project has already passed completion acceptance."),
        };
    }

    /// <summary>
    /// The first audit fixes the final cost. A later one revises it; when the grant was already decided,
    /// the revision also adjusts it (top-up or claw-back) as a new event, never an edit. An adjustment is
    /// worked out under the rule version the project was registered with (a what-if replay registers
    /// it under a proposed one). Every clause evaluated comes with the decision, a refusal's included.
    /// </summary>
    public static Decision Decide(AuditFinalCost command, CoFundingProject project, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(project);
        if (command.AuditedCost <= 0 || decimal.Round(command.AuditedCost, 2) != command.AuditedCost)
        {
            return Decision.Reject(AuditedCostInvalid, "The audited cost is a positive amount in yuan with at most two decimals.");
        }

        if (string.IsNullOrWhiteSpace(command.AuditReference))
        {
            return Decision.Reject(AuditReferenceMissing, "Give the audit report's reference.");
        }

        var completed = Eligibility.OfCompletion(project.AcceptanceReference);
        if (project.Stage is ProjectStage.Registered or ProjectStage.Started)
        {
            return Decision.Reject(NotCompleted, "The final cost is audited after completion acceptance.").WithClauses([completed]);
        }

        if (project.AuditedCost == command.AuditedCost)
        {
            return Decision.Reject(AuditUnchanged, $"The audited cost is already {Eligibility.Yuan(command.AuditedCost)}.").WithClauses([completed]);
        }

        var revision = project.AuditRevisions + 1;
        var reference = command.AuditReference.Trim();
        if (project.Grant is not { } previous)
        {
            return Decision.Accept(new FinalCostAudited(project.Id, command.AuditedCost, reference, revision, now, [completed]));
        }

        var grant = Eligibility.GrantOn(command.AuditedCost, project.Rules);
        var adjustment = Eligibility.OfAdjustment(project.AuditedCost!.Value, command.AuditedCost, previous, grant);
        var audited = new FinalCostAudited(project.Id, command.AuditedCost, reference, revision, now, [completed, adjustment]);
        if (!adjustment.Met)
        {
            // The revision does not move the rounded grant: the new cost is recorded, nothing is adjusted.
            return Decision.Accept(audited);
        }

        var computation = Eligibility.OfGrant(command.AuditedCost, grant, project.Rules);
        return Decision.Accept(audited, new AwardAdjusted(project.Id, project.AuditedCost.Value, command.AuditedCost, previous, grant,
            grant.Minus(previous), reference, project.Rule, now, computation));
    }
}
