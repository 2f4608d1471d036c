namespace CaseLedger.Core;

/// <summary>
/// One clause of a rule as applied to a case: its stable id (e.g. <c>renovation-vote.consent.area</c>),
/// what it asks, whether it was met, and the figures it was decided on. Decisions record these so an
/// auditor sees why, and a rule author sees which clauses a case exercised.
/// </summary>
public sealed record CriterionResult(string Clause, string Requirement, bool Met, string Detail);
