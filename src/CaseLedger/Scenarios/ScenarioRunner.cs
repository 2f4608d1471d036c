using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Scenarios;

/// <summary>
/// What happened when a scenario's "when" ran: the rejection, or the events with the clauses the
/// decisions evaluated, and the kind's named facts (outcome, route, grant, ...) for "then" to check.
/// </summary>
public sealed record Observation(
    Rejection? Rejection,
    IReadOnlyList<object> Events,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<CriterionResult> Clauses,
    IReadOnlyDictionary<string, string> Facts);

/// <summary>A clause of a rule, with the stable id decisions record.</summary>
public sealed record ClauseInfo(string Id, string Description);

/// <summary>
/// A case kind's part in scenarios: it reads the "given" and "when" sections in its own words and
/// runs them through its pure decision functions (or, for <see cref="RunInStoreAsync"/>, through the
/// real store and command plumbing), and names every clause its rules have.
/// </summary>
public interface IScenarioDriver
{
    /// <summary>The case kind's name, as scenario files write it (e.g. <c>renovation-vote</c>).</summary>
    string Kind { get; }

    /// <summary>The rule id scenarios of this kind are decided under.</summary>
    string RuleId { get; }

    /// <summary>Every clause of the kind's rules, for the coverage report.</summary>
    IReadOnlyList<ClauseInfo> Clauses { get; }

    /// <summary>The facts "then" may check besides rejected/events/clauses, for a clear complaint about typos.</summary>
    IReadOnlyList<string> Facts { get; }

    /// <summary>Runs the scenario in memory through the pure decisions, under the given rule parameters.</summary>
    Observation Run(Scenario scenario, RuleVersion rule);

    /// <summary>Runs the scenario through a real store: every given step and the when step become commands.</summary>
    Task<Observation> RunInStoreAsync(Scenario scenario, RuleVersion rule, IDocumentStore store, string district, CancellationToken ct);
}

/// <summary>The result of one scenario.</summary>
public sealed record ScenarioResult(Scenario Scenario, bool Passed, IReadOnlyList<string> Differences, Observation? Observation, string? Error)
{
    public string Name => Scenario.Name;
}

/// <summary>Runs scenarios and compares what happened with what their "then" expects.</summary>
public sealed class ScenarioRunner
{
    private readonly Dictionary<string, IScenarioDriver> _drivers;
    private readonly RuleBook _rules;

    public ScenarioRunner(IEnumerable<IScenarioDriver> drivers, RuleBook rules)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        _drivers = drivers.ToDictionary(d => d.Kind);
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
    }

    public IReadOnlyCollection<IScenarioDriver> Drivers => _drivers.Values;

    public ScenarioResult Run(Scenario scenario) => Execute(scenario, (driver, rule) => Task.FromResult(driver.Run(scenario, rule))).GetAwaiter().GetResult();

    /// <summary>Runs a scenario; a scenario that cannot be run (its content is wrong) is a failure naming the line.</summary>
    public ScenarioResult TryRun(Scenario scenario)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            return Run(scenario);
        }
        catch (ScenarioFormatException e)
        {
            return new ScenarioResult(scenario, false, [e.Message], null, e.Message);
        }
    }

    /// <summary>The store-backed counterpart of <see cref="TryRun"/>.</summary>
    public async Task<ScenarioResult> TryRunInStoreAsync(Scenario scenario, IDocumentStore store, string district, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        try
        {
            return await RunInStoreAsync(scenario, store, district, ct);
        }
        catch (ScenarioFormatException e)
        {
            return new ScenarioResult(scenario, false, [e.Message], null, e.Message);
        }
    }

    public Task<ScenarioResult> RunInStoreAsync(Scenario scenario, IDocumentStore store, string district, CancellationToken ct = default) =>
        Execute(scenario, (driver, rule) => driver.RunInStoreAsync(scenario, rule, store, district, ct));

    /// <summary>Which rule version a scenario runs under: the one it names, or the one in force on its date.</summary>
    public RuleVersion RuleFor(Scenario scenario, IScenarioDriver driver)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(driver);
        if (scenario.Rule is { } named)
        {
            var parts = named.Split('@', 2);
            if (parts[0] != driver.RuleId)
            {
                throw new ScenarioFormatException(scenario.File, scenario.Line, $"'{named}' is not a version of {driver.RuleId}, the rule of {driver.Kind}");
            }

            return Lookup(scenario, () => _rules.Get(parts[0], parts[1]));
        }

        if (scenario.RuleDate is { } date)
        {
            return Lookup(scenario, () => _rules.InForce(driver.RuleId, date));
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

    private async Task<ScenarioResult> Execute(Scenario scenario, Func<IScenarioDriver, RuleVersion, Task<Observation>> run)
    {
        if (!_drivers.TryGetValue(scenario.Kind, out var driver))
        {
            throw new ScenarioFormatException(scenario.File, scenario.Line,
                $"unknown case kind '{scenario.Kind}'; known: {string.Join(", ", _drivers.Keys.Order(StringComparer.Ordinal))}");
        }

        var rule = RuleFor(scenario, driver);
        var observation = await run(driver, rule);
        var differences = Compare(scenario.Then, observation, driver);
        return new ScenarioResult(scenario, differences.Count == 0, differences, observation, null);
    }

    /// <summary>Checks an observation against a "then" section; returns readable differences.</summary>
    public static IReadOnlyList<string> Compare(ScenarioNode then, Observation observation, IScenarioDriver driver)
    {
        ArgumentNullException.ThrowIfNull(then);
        ArgumentNullException.ThrowIfNull(observation);
        ArgumentNullException.ThrowIfNull(driver);
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
                        if (driver.Clauses.All(c => c.Id != clause))
                        {
                            throw state.Error($"unknown clause '{clause}' of {driver.Kind}; known: {string.Join(", ", driver.Clauses.Select(c => c.Id))}");
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
                    if (!driver.Facts.Contains(key))
                    {
                        throw expected.Error($"unknown expectation '{key}'; expected rejected, events, clauses or one of: {string.Join(", ", driver.Facts)}");
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
        static string Words(string s) => s.Replace("-", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
        if (decimal.TryParse(actual.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var a)
            && decimal.TryParse(expected.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var e))
        {
            return a == e;
        }

        return string.Equals(Words(actual), Words(expected), StringComparison.OrdinalIgnoreCase);
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
    public static IReadOnlyList<ClauseCoverage> Of(IEnumerable<IScenarioDriver> drivers, IEnumerable<ScenarioResult> results)
    {
        ArgumentNullException.ThrowIfNull(drivers);
        ArgumentNullException.ThrowIfNull(results);
        var all = results.Where(r => r.Observation is not null).ToList();
        return drivers
            .SelectMany(d => d.Clauses.Select(c => (Driver: d, Clause: c)))
            .Select(x =>
            {
                var seen = all.Where(r => r.Scenario.Kind == x.Driver.Kind)
                    .SelectMany(r => r.Observation!.Clauses)
                    .Where(c => c.Clause == x.Clause.Id)
                    .ToList();
                return new ClauseCoverage(x.Driver.Kind, x.Clause.Id, x.Clause.Description, seen.Count(c => c.Met), seen.Count(c => !c.Met));
            })
            .ToList();
    }
}

/// <summary>Formats values the same way in every driver's facts.</summary>
public static class Facts
{
    public static string Of(decimal value) => value.ToString("0.00", CultureInfo.InvariantCulture);

    public static string Of(Enum value) => value.ToString();
}
