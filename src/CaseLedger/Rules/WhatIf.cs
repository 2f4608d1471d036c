using CaseLedger.Audit;
using CaseLedger.Core;
using Marten;

namespace CaseLedger.Rules;

/// <summary>One past case's decision replayed under a proposed rule version.</summary>
public sealed record WhatIfCase(
    Guid CaseId,
    string District,
    string Summary,
    string Outcome,
    string ProposedOutcome,
    decimal? Amount,
    decimal? ProposedAmount,
    IReadOnlyList<string> ChangedClauses)
{
    public bool Changed => Outcome != ProposedOutcome || Amount != ProposedAmount || ChangedClauses.Count > 0;
}

/// <summary>A case kind's part in what-if runs: re-deciding a case's recorded decisions under other parameters.</summary>
public interface IWhatIfReplay
{
    /// <summary>The rule whose versions this replay can swap in.</summary>
    string RuleId { get; }

    /// <summary>
    /// Replays the decisions recorded in the case's events under <paramref name="proposed"/>, with the
    /// same inputs (roll, ballots, costs, applicant facts) and times. Null when the case holds no
    /// decision under this rule yet. Pure: no store, no clock.
    /// </summary>
    WhatIfCase? Replay(Guid caseId, string district, IReadOnlyList<object> events, RuleVersion proposed);
}

/// <summary>The cases a proposed rule version would have decided differently, with totals.</summary>
public sealed record WhatIfReport(
    RuleRef Proposed,
    IReadOnlyList<string> Districts,
    int CasesExamined,
    int CasesDecided,
    IReadOnlyList<WhatIfCase> Changed,
    decimal AmountRecorded,
    decimal AmountProposed)
{
    public decimal AmountDifference => AmountProposed - AmountRecorded;
}

public static class WhatIf
{
    /// <summary>
    /// Replays every decided case of the rule's kind (in the given districts, or all, opened in the
    /// given time range) under the proposed version. Read-only: it opens query sessions only.
    /// </summary>
    public static async Task<WhatIfReport> RunAsync(IDocumentStore store, CaseKinds kinds, RuleVersion proposed,
        IReadOnlyList<string>? districts = null, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(proposed);
        var replays = kinds.All.Where(k => k.WhatIf?.RuleId == proposed.Id).ToList();
        if (replays.Count == 0)
        {
            throw new ArgumentException($"No case kind decides under rule '{proposed.Id}'.", nameof(proposed));
        }

        var chosen = districts is { Count: > 0 } ? districts : await DistrictSeals.DistrictsAsync(store, ct);
        var examined = 0;
        var results = new List<WhatIfCase>();
        foreach (var district in chosen)
        {
            await using var session = store.QuerySession(district);
            foreach (var kind in replays)
            {
                var openings = session.Query<AuditEntry>().Where(e => e.Version == 1 && e.Kind == kind.Name);
                if (from is { } start)
                {
                    openings = openings.Where(e => e.Time >= start);
                }

                if (to is { } end)
                {
                    openings = openings.Where(e => e.Time < end);
                }

                foreach (var caseId in (await openings.OrderBy(e => e.Sequence).ToListAsync(ct)).Select(e => e.CaseId))
                {
                    examined++;
                    var events = (await session.Events.FetchStreamAsync(caseId, token: ct)).Select(e => e.Data).ToList();
                    if (kind.WhatIf!.Replay(caseId, district, events, proposed) is { } replayed)
                    {
                        results.Add(replayed);
                    }
                }
            }
        }

        return new WhatIfReport(proposed.Ref, chosen.ToList(), examined, results.Count, results.Where(r => r.Changed).ToList(),
            results.Sum(r => r.Amount ?? 0), results.Sum(r => r.ProposedAmount ?? 0));
    }
}
