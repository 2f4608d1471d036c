using CaseLedger.Audit;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Scenarios;

/// <summary>One past case replayed under a proposed rule version.</summary>
public sealed record WhatIfCase(
    Guid CaseId,
    string District,
    string Summary,
    string Outcome,
    string ProposedOutcome,
    decimal? Amount,
    decimal? ProposedAmount,
    IReadOnlyList<string> ChangedClauses,
    IReadOnlyList<string> Refusals)
{
    public bool Changed => Outcome != ProposedOutcome || Amount != ProposedAmount || ChangedClauses.Count > 0;

    /// <summary>The case's deadlines as recorded: how many were settled, how many on time.</summary>
    public PromisesKept Promises { get; init; } = PromisesKept.None;

    /// <summary>The same, had the proposed version been in force.</summary>
    public PromisesKept ProposedPromises { get; init; } = PromisesKept.None;
}

/// <summary>The cases a proposed rule version would have decided differently, with totals (when the kind has an amount).</summary>
public sealed record WhatIfReport(
    RuleRef Proposed,
    IReadOnlyList<string> Districts,
    int CasesExamined,
    int CasesDecided,
    IReadOnlyList<WhatIfCase> Changed,
    decimal AmountRecorded,
    decimal AmountProposed,
    bool HasAmounts)
{
    public decimal AmountDifference => AmountProposed - AmountRecorded;

    /// <summary>The examined cases' deadlines as recorded: the on-time rate they make (<see cref="PromisesKept.Rate"/>).</summary>
    public PromisesKept OnTimeRecorded { get; init; } = PromisesKept.None;

    /// <summary>What the on-time rate would have been under the proposed version.</summary>
    public PromisesKept OnTimeProposed { get; init; } = PromisesKept.None;

    /// <summary>Whether the examined cases keep deadlines at all (else the on-time figures say nothing).</summary>
    public bool HasDeadlines => OnTimeRecorded.Settled > 0 || OnTimeProposed.Settled > 0;
}

/// <summary>
/// What a proposed rule version would have decided: each recorded command of a case is rebuilt from
/// the event it recorded (the kind declares how) and run again, at its recorded time and by its
/// recorded actor, through the command pipeline on an in-memory ledger whose rule book has the
/// proposed version in force. The kind's vocabulary names the facts compared (outcome, amount).
/// </summary>
public static class WhatIf
{
    /// <summary>
    /// Replays one recorded case under <paramref name="proposed"/>; null when the kind's vocabulary
    /// names no outcome to compare. The clauses a recorded event does not hold (events stored before a
    /// clause was recorded) are taken from the same replay under the version the case recorded.
    /// </summary>
    public static async Task<WhatIfCase?> ReplayAsync(Vocabulary vocabulary, RuleBook rules, RuleVersion proposed, string district, Guid caseId,
        IReadOnlyList<RecordedEvent> recorded, IFactReader? outside = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(proposed);
        ArgumentNullException.ThrowIfNull(recorded);
        var kind = vocabulary.Kind;
        if (proposed.Id != kind.RuleId)
        {
            throw new ArgumentException($"A {kind.Name} is decided under rule '{kind.RuleId}', not '{proposed.Id}'.", nameof(proposed));
        }

        if (vocabulary.WhatIfOutcome is not { } outcomeFact || recorded.Count == 0)
        {
            return null;
        }

        var recordedRule = recorded.Select(e => e.Rule).FirstOrDefault(r => r is not null);
        var baselineRules = recordedRule?.Split('@', 2) is [var id, var version] && rules.All.FirstOrDefault(v => v.Id == id && v.Version == version) is { } was
            ? rules.Substituting(was)
            : rules;
        var (_, baselineClauses, _) = await ReplayAllAsync(kind, baselineRules, district, caseId, recorded, outside, ct);
        var (ledger, replayedClauses, refusals) = await ReplayAllAsync(kind, rules.Substituting(proposed), district, caseId, recorded, outside, ct);

        var recordedClauses = recorded.Select(e => e.Data).OfType<IRecordsClauses>().SelectMany(e => e.Clauses).ToList();
        recordedClauses.AddRange(baselineClauses.Where(c => recordedClauses.All(r => r.Clause != c.Clause)));
        var recordedFacts = ScenarioEngine.FactsOf(vocabulary, kind.View(recorded.Select(e => e.Data)));
        var proposedFacts = ScenarioEngine.FactsOf(vocabulary, ledger.MainView(district, caseId));
        var outcomeWas = recordedFacts.GetValueOrDefault(outcomeFact) ?? "none";
        var outcomeNow = proposedFacts.GetValueOrDefault(outcomeFact) ?? "none";
        decimal? Amount(IReadOnlyDictionary<string, string> facts) =>
            vocabulary.WhatIfAmount is { } amountFact && facts.TryGetValue(amountFact, out var text)
                && decimal.TryParse(text, System.Globalization.NumberStyles.Number, System.Globalization.CultureInfo.InvariantCulture, out var amount)
                ? amount
                : null;
        var summary = kind.Describe(recorded[0].Data)?.Summary ?? recorded[0].Type;
        return new WhatIfCase(caseId, district, $"{summary}: {outcomeWas} under {recordedRule ?? "the recorded rule"}, {outcomeNow} under {proposed.Ref}",
            outcomeWas, outcomeNow, Amount(recordedFacts), Amount(proposedFacts), Changed(recordedClauses, replayedClauses), refusals)
        {
            Promises = PromisesKept.Of(recorded.Select(e => e.Data)),
            ProposedPromises = PromisesKept.Of(ledger.Events(district, caseId).Select(e => e.Data)),
        };
    }

    /// <summary>Runs every recorded command of the case again, at its time and by its actor, through the pipeline on an in-memory ledger.</summary>
    private static async Task<(InMemoryLedger Ledger, List<CriterionResult> Clauses, List<string> Refusals)> ReplayAllAsync(
        CaseKind kind, RuleBook rules, string district, Guid caseId, IReadOnlyList<RecordedEvent> recorded, IFactReader? outside, CancellationToken ct)
    {
        var ledger = new InMemoryLedger(new CaseKinds([kind]), rules, outside);
        var clauses = new List<CriterionResult>();
        var refusals = new List<string>();
        foreach (var e in recorded)
        {
            var replay = kind.Commands.Select(c => c.Replay(e.Data)).FirstOrDefault(r => r is not null);
            if (replay is not var (command, at))
            {
                continue;
            }

            if (!Channels.TryParse(e.Channel, out var channel) || !Roles.TryParse(e.Role, out var role))
            {
                throw new InvalidDataException(
                    $"Event {e.Version} of case {caseId} does not record its channel and role ('{e.Channel}', '{e.Role}'), so it cannot be replayed as it was made.");
            }

            if (e.Data is IRecordsHeldDocuments held)
            {
                // A decision that held shared totals is taken again against the totals it read then.
                foreach (var type in kind.Documents.Select(d => d.Type))
                {
                    ledger.Forget(district, type);
                }

                foreach (var document in held.HeldBefore)
                {
                    ledger.Put(district, kind, document);
                }
            }

            // Time passes up to the command as it did: a deadline the proposal makes fall due earlier is breached on the way;
            // one due at the very moment of the command is met by it.
            clauses.AddRange((await ledger.PassTimeAsync(district, DeadlineBook.JustBefore(at), [caseId], ct)).SelectMany(o => o.Clauses));
            var outcome = await ledger.ExecuteAsync(new CommandRequest(district, caseId, command, new Acting(e.Actor, channel, role, e.OnBehalfOf) { Institution = e.Institution }) { At = at }, ct);
            clauses.AddRange(outcome.Clauses);
            if (outcome.Rejection is { } refused)
            {
                refusals.Add(refused.Code);
            }
        }

        // And up to the last recorded event: a breach recorded in the history happens in the replay too.
        if (recorded.Count > 0)
        {
            clauses.AddRange((await ledger.PassTimeAsync(district, recorded[^1].Timestamp, [caseId], ct)).SelectMany(o => o.Clauses));
        }

        return (ledger, clauses, refusals);
    }

    /// <summary>
    /// Replays every case of the rule's kinds (in the given districts, or all, opened in the given time
    /// range) under the proposed version. Read-only: it opens query sessions only.
    /// </summary>
    public static async Task<WhatIfReport> RunAsync(IDocumentStore store, ScenarioEngine engine, RuleBook rules, RuleVersion proposed,
        IReadOnlyList<string>? districts = null, DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(engine);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(proposed);
        var vocabularies = engine.Vocabularies.Values.Where(v => v.Kind.RuleId == proposed.Id && v.WhatIfOutcome is not null).ToList();
        if (vocabularies.Count == 0)
        {
            throw new ArgumentException($"No case kind decides under rule '{proposed.Id}'.", nameof(proposed));
        }

        var chosen = districts is { Count: > 0 } ? districts : await DistrictSeals.DistrictsAsync(store, ct);
        var examined = 0;
        var results = new List<WhatIfCase>();
        foreach (var district in chosen)
        {
            await using var session = store.QuerySession(district);
            var outside = new SessionFacts(session);
            foreach (var vocabulary in vocabularies)
            {
                var openings = session.Query<AuditEntry>().Where(e => e.Version == 1 && e.Kind == vocabulary.Kind.Name);
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
                    var events = (await session.Events.FetchStreamAsync(caseId, token: ct)).Select(Recorded).ToList();
                    if (await ReplayAsync(vocabulary, rules, proposed, district, caseId, events, outside, ct) is { } replayed)
                    {
                        results.Add(replayed);
                    }
                }
            }
        }

        return new WhatIfReport(proposed.Ref, chosen.ToList(), examined, results.Count, results.Where(r => r.Changed).ToList(),
            results.Sum(r => r.Amount ?? 0), results.Sum(r => r.ProposedAmount ?? 0), vocabularies.Any(v => v.WhatIfAmount is not null))
        {
            OnTimeRecorded = results.Aggregate(PromisesKept.None, (sum, r) => sum + r.Promises),
            OnTimeProposed = results.Aggregate(PromisesKept.None, (sum, r) => sum + r.ProposedPromises),
        };
    }

    /// <summary>A stored event with the metadata a replay needs.</summary>
    public static RecordedEvent Recorded(IEvent e)
    {
        ArgumentNullException.ThrowIfNull(e);
        return new RecordedEvent(e.StreamId, e.Version, e.EventTypeName, e.Data, e.Timestamp, e.UserName ?? "",
            EventMetadata.Header(e, CaseHeaders.OnBehalfOf), EventMetadata.Header(e, CaseHeaders.Channel) ?? "", EventMetadata.Header(e, CaseHeaders.Rule),
            EventMetadata.Header(e, CaseHeaders.Role) ?? "") { Institution = EventMetadata.Header(e, CaseHeaders.Institution) };
    }

    /// <summary>Clauses evaluated on both sides whose last verdict differs, in the order first met.</summary>
    private static List<string> Changed(List<CriterionResult> recorded, List<CriterionResult> replayed)
    {
        var before = Last(recorded);
        var after = Last(replayed);
        return recorded.Concat(replayed)
            .Select(c => c.Clause)
            .Distinct(StringComparer.Ordinal)
            .Where(id => before.TryGetValue(id, out var was) && after.TryGetValue(id, out var now) && was != now)
            .ToList();
    }

    private static Dictionary<string, bool> Last(List<CriterionResult> clauses)
    {
        var last = new Dictionary<string, bool>(StringComparer.Ordinal);
        foreach (var c in clauses)
        {
            last[c.Clause] = c.Met;
        }

        return last;
    }

    private sealed class SessionFacts(IQuerySession session) : IFactReader
    {
        public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);

        public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);
    }
}
