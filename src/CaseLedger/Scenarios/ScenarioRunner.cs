using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Scenarios;

/// <summary>The result of one scenario.</summary>
public sealed record ScenarioResult(Scenario Scenario, bool Passed, IReadOnlyList<string> Differences, Observation? Observation, string? Error)
{
    public string Name => Scenario.Name;
}

/// <summary>
/// Runs scenarios, in memory or through a real store, and compares what happened with what their
/// "then" expects. Both ways run the same steps through the same command pipeline.
/// </summary>
public sealed class ScenarioRunner
{
    /// <summary>The district scenario cases are written to.</summary>
    public const string District = "scenario-runs";

    public ScenarioRunner(ScenarioEngine engine, RuleBook rules)
    {
        Engine = engine ?? throw new ArgumentNullException(nameof(engine));
        Rules = rules ?? throw new ArgumentNullException(nameof(rules));
    }

    public ScenarioEngine Engine { get; }

    public RuleBook Rules { get; }

    /// <summary>Runs a scenario in memory; a scenario that cannot be run (its content is wrong) is a failure naming the line.</summary>
    public Task<ScenarioResult> RunAsync(Scenario scenario, CancellationToken ct = default) =>
        ExecuteAsync(scenario, rules => new InMemoryScenarioLedger(new InMemoryLedger(Engine.Kinds, rules)), District, ct);

    /// <summary>Runs a scenario through the store: every step is a command through the pipeline, in <paramref name="district"/>.</summary>
    public Task<ScenarioResult> RunInStoreAsync(Scenario scenario, IDocumentStore store, string district = District, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        // As the host runs commands: each decides only on what the case's chain vouches for, and records its digests.
        var evidence = new Audit.ChainEvidence(store, Engine.Kinds);
        return ExecuteAsync(scenario, rules => new StoreScenarioLedger(store, new CasePipeline(store, Engine.Kinds, rules, TimeProvider.System, evidence: evidence)),
            district, ct);
    }

    private async Task<ScenarioResult> ExecuteAsync(Scenario scenario, Func<RuleBook, IScenarioLedger> ledger, string district, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            var (observation, differences) = await CheckAsync(scenario, ledger, district, ct);
            return new ScenarioResult(scenario, differences.Count == 0, differences, observation, null);
        }
        catch (ScenarioFormatException e)
        {
            return new ScenarioResult(scenario, false, [e.Message], null, e.Message);
        }
    }

    /// <summary>Runs a scenario in memory and compares; a scenario that cannot be run throws the <see cref="ScenarioFormatException"/> naming its line.</summary>
    public Task<(Observation Observation, IReadOnlyList<string> Differences)> CheckAsync(Scenario scenario, CancellationToken ct = default) =>
        CheckAsync(scenario, rules => new InMemoryScenarioLedger(new InMemoryLedger(Engine.Kinds, rules)), District, ct);

    private async Task<(Observation Observation, IReadOnlyList<string> Differences)> CheckAsync(
        Scenario scenario, Func<RuleBook, IScenarioLedger> ledger, string district, CancellationToken ct)
    {
        var (rules, start) = RulesFor(scenario);
        var observation = await Engine.RunAsync(scenario, ledger(rules), rules, start, district, ct);
        return (observation, Compare(scenario.Then, observation, Engine.VocabularyOf(scenario.Kind), Rules));
    }

    /// <summary>
    /// The rule book a scenario is decided under and the time of its first step: a named version
    /// (proposed ones too) is in force throughout; with a date, the version in force that day decides,
    /// and the first step happens on that day. A date before the rule's first version is allowed: the
    /// case's decisions then find no version in force, and the kind says what that means (a scenario
    /// can show that a case opened before a programme started is refused).
    /// </summary>
    public (RuleBook Rules, DateTimeOffset Start) RulesFor(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        if (!Engine.Vocabularies.TryGetValue(scenario.Kind, out var vocabulary))
        {
            throw new ScenarioFormatException(scenario.File, scenario.Line,
                $"unknown kind '{scenario.Kind}'; the kinds registered here are: {string.Join(", ", Engine.Vocabularies.Keys)}");
        }

        var ruleId = vocabulary.Kind.RuleId;
        var (start, problem) = TimeExpression.Evaluate(vocabulary.Start.Text, Rules.UtcOffset, _ => (null, null));
        if (start is null)
        {
            throw vocabulary.Start.Error(problem!);
        }

        if (scenario.Rule is { } named)
        {
            var parts = named.Split('@', 2);
            if (parts[0] != ruleId)
            {
                throw new ScenarioFormatException(scenario.File, scenario.Line, $"'{named}' is not a version of {ruleId}, the rule of {scenario.Kind}");
            }

            return (Rules.Substituting(Lookup(scenario, () => Rules.Get(parts[0], parts[1]))), start.Value);
        }

        if (scenario.RuleDate is { } date)
        {
            if (!Rules.All.Any(v => v.Id == ruleId))
            {
                throw new ScenarioFormatException(scenario.File, scenario.Line, $"No rule '{ruleId}' is defined.");
            }

            var local = start.Value.ToOffset(Rules.UtcOffset);
            return (Rules, new DateTimeOffset(date.ToDateTime(TimeOnly.FromTimeSpan(local.TimeOfDay)), Rules.UtcOffset));
        }

        throw new ScenarioFormatException(scenario.File, scenario.Line, "say which rule applies: 'rule: id@version' or 'date: yyyy-MM-dd'");
    }

    private static RuleVersion Lookup(Scenario scenario, Func<RuleVersion> find)
    {
        try
        {
            return find();
        }
        catch (RuleBookException e)
        {
            throw new ScenarioFormatException(scenario.File, scenario.Line, e.Message);
        }
    }

    /// <summary>Checks an observation against a "then" section; returns readable differences.</summary>
    public static IReadOnlyList<string> Compare(ScenarioNode then, Observation observation, Vocabulary vocabulary, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(then);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(vocabulary);
        ArgumentNullException.ThrowIfNull(rules);
        var clauses = rules.ClausesOf(vocabulary.Kind.RuleId);
        var differences = new List<string>();
        foreach (var (key, expected) in then.Entries)
        {
            switch (key)
            {
                case "rejected":
                    if (observation.Rejection is null)
                    {
                        differences.Add($"expected rejection {expected.Text}, but it was accepted with {Describe(observation.EventTypes)}");
                    }
                    else if (!SameCode(observation.Rejection.Code, expected.Text))
                    {
                        differences.Add($"expected rejection {expected.Text}, but was rejected with {observation.Rejection.Code}: {observation.Rejection.Reason}");
                    }

                    break;
                case "events":
                    var types = expected.IsSequence ? expected.Items.Select(i => i.Text).ToList() : [expected.Text];
                    if (observation.Rejection is { } refused)
                    {
                        differences.Add($"expected events {Describe(types)}, but it was rejected: {refused.Code}: {refused.Reason}");
                    }
                    else if (!types.SequenceEqual(observation.EventTypes))
                    {
                        differences.Add($"expected events {Describe(types)}, got {Describe(observation.EventTypes)}");
                    }

                    break;
                case "clauses":
                    foreach (var (clause, state) in expected.Entries)
                    {
                        var wantMet = state.Text.ToLowerInvariant() switch
                        {
                            "met" or "true" or "yes" => true,
                            "not met" or "unmet" or "false" or "no" => false,
                            _ => throw state.Error($"a clause is 'met' or 'not met', not '{state.Text}'"),
                        };
                        if (clauses.All(c => c.Id != clause))
                        {
                            throw state.Error($"unknown clause '{clause}' of {vocabulary.Kind.Name}; known: {string.Join(", ", clauses.Select(c => c.Id))}");
                        }

                        var actual = observation.Clauses.LastOrDefault(c => c.Clause == clause);
                        if (actual is null)
                        {
                            differences.Add($"clause {clause}: expected {(wantMet ? "met" : "not met")}, but it was not evaluated");
                        }
                        else if (actual.Met != wantMet)
                        {
                            differences.Add($"clause {clause}: expected {(wantMet ? "met" : "not met")}, was {(actual.Met ? "met" : "not met")} ({actual.Detail})");
                        }
                    }

                    break;
                default:
                    if (!vocabulary.Facts.ContainsKey(key))
                    {
                        throw expected.Error($"unknown expectation '{key}'; expected rejected, events, clauses or one of: {string.Join(", ", vocabulary.Facts.Keys)}");
                    }

                    if (observation.Rejection is { } rejection)
                    {
                        differences.Add($"expected {key}: {expected.Text}, but it was rejected: {rejection.Code}: {rejection.Reason}");
                    }
                    else if (!observation.Facts.TryGetValue(key, out var value))
                    {
                        differences.Add($"expected {key}: {expected.Text}, but the case has no {key}");
                    }
                    else if (!SameValue(value, expected.Text))
                    {
                        differences.Add($"expected {key}: {expected.Text}, was {value}");
                    }

                    break;
            }
        }

        return differences;
    }

    private static string Describe(IReadOnlyList<string> types) => types.Count == 0 ? "no events" : string.Join(", ", types);

    private static bool SameCode(string actual, string expected) =>
        string.Equals(actual, expected, StringComparison.OrdinalIgnoreCase)
        || actual.EndsWith("." + expected, StringComparison.OrdinalIgnoreCase);

    /// <summary>Numbers compare by value (1,280,000.00 = 1280000), words without regard to case, dashes or spaces.</summary>
    public static bool SameValue(string actual, string expected)
    {
        ArgumentNullException.ThrowIfNull(actual);
        ArgumentNullException.ThrowIfNull(expected);
        if (decimal.TryParse(actual.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var a)
            && decimal.TryParse(expected.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var e))
        {
            return a == e;
        }

        return string.Equals(Words.Normalize(actual), Words.Normalize(expected), StringComparison.Ordinal);
    }
}

/// <summary>Which clauses the scenarios exercised, on their passing and on their failing side.</summary>
public sealed record ClauseCoverage(string Kind, string Clause, string Description, int Met, int NotMet)
{
    public bool BothSides => Met > 0 && NotMet > 0;

    public bool Never => Met == 0 && NotMet == 0;
}

public static class Coverage
{
    /// <summary>How often each clause of the kinds' rules was met and not met in the scenarios' when steps.</summary>
    public static IReadOnlyList<ClauseCoverage> Of(CaseKinds kinds, RuleBook rules, IEnumerable<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(results);
        var all = results.Where(r => r.Observation is not null).ToList();
        return kinds.All
            .SelectMany(k => rules.ClausesOf(k.RuleId).Select(c => (Kind: k, Clause: c)))
            .Select(x =>
            {
                var seen = all.Where(r => r.Scenario.Kind == x.Kind.Name)
                    .SelectMany(r => r.Observation!.Clauses)
                    .Where(c => c.Clause == x.Clause.Id)
                    .ToList();
                return new ClauseCoverage(x.Kind.Name, x.Clause.Id, x.Clause.Description, seen.Count(c => c.Met), seen.Count(c => !c.Met));
            })
            .ToList();
    }
}
