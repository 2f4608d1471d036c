using System.Globalization;
using CaseLedger.Core;

namespace CaseLedger.Scenarios;

/// <summary>
/// How scenario files say a kind's steps and facts: the words of its commands (compact text forms,
/// field names, defaults, value names), named times, macros that stand for a few steps, and the facts
/// "then" may check with where each is read in the main read model. Written as data beside the kind
/// (<c>{kind}.scenarios.yaml</c>, see docs/scenarios.md); the engine that reads scenarios is generic.
/// </summary>
public sealed class Vocabulary
{
    private Vocabulary(CaseKind kind, ScenarioNode root)
    {
        Kind = kind;
        var known = new[] { "kind", "start", "gap", "acting", "times", "steps", "macros", "facts", "values", "whatif" };
        root.OnlyKeys(known);
        if (root.Required("kind").Text != kind.Name)
        {
            throw root.Required("kind").Error($"this vocabulary is for '{root.Required("kind").Text}', not {kind.Name}");
        }

        Start = root.Required("start");
        Gap = Durations.Read(root.Required("gap"));
        Acting = ActingWords.Read(root.Required("acting"));
        Times = (root.Get("times")?.Entries ?? []).ToDictionary(e => e.Key, e => e.Value.Text, StringComparer.Ordinal);
        Values = ReadValues(root.Get("values"));
        Steps = root.Required("steps").Entries.ToDictionary(e => e.Key, e => StepWords.Read(e.Key, e.Value, kind), StringComparer.Ordinal);
        Macros = (root.Get("macros")?.Entries ?? []).ToDictionary(e => e.Key, e => MacroWords.Read(e.Key, e.Value), StringComparer.Ordinal);
        Facts = (root.Get("facts")?.Entries ?? []).ToDictionary(e => e.Key, e => FactWords.Read(e.Key, e.Value), StringComparer.Ordinal);
        if (root.Get("whatif") is { } whatif)
        {
            whatif.OnlyKeys("outcome", "amount");
            WhatIfOutcome = whatif.Required("outcome").Text;
            WhatIfAmount = whatif.Get("amount")?.Text;
            foreach (var fact in new[] { WhatIfOutcome, WhatIfAmount }.OfType<string>().Where(f => !Facts.ContainsKey(f)))
            {
                throw whatif.Error($"'{fact}' is not one of the facts named under 'facts'");
            }
        }
    }

    public CaseKind Kind { get; }

    /// <summary>The time of a scenario's first step when it names none (a local time, e.g. 2024-05-06T09:00).</summary>
    public ScenarioNode Start { get; }

    /// <summary>How long after the step before it a step written without a time happens.</summary>
    public TimeSpan Gap { get; }

    /// <summary>Who acts in a step that says nothing else.</summary>
    public ActingWords Acting { get; }

    /// <summary>Words a time may be written relative to (<c>end - 1 minute</c>), with where the case's read model holds them.</summary>
    public IReadOnlyDictionary<string, string> Times { get; }

    /// <summary>Other names for values, by field name or enum type name: <c>website</c> for <c>OnlinePlatform</c>.</summary>
    public IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Values { get; }

    public IReadOnlyDictionary<string, StepWords> Steps { get; }

    public IReadOnlyDictionary<string, MacroWords> Macros { get; }

    public IReadOnlyDictionary<string, FactWords> Facts { get; }

    /// <summary>The fact a what-if replay compares as the case's outcome.</summary>
    public string? WhatIfOutcome { get; }

    /// <summary>The fact a what-if replay adds up as the case's amount (a grant, an approved spend); none for kinds without money.</summary>
    public string? WhatIfAmount { get; }

    /// <summary>Reads the kind's embedded vocabulary; a mistake in it names its line.</summary>
    public static Vocabulary Of(CaseKind kind)
    {
        ArgumentNullException.ThrowIfNull(kind);
        var file = $"{kind.Name}.scenarios.yaml";
        var stream = ScenarioYaml.Load(file, kind.ScenarioVocabulary);
        return new Vocabulary(kind, ScenarioNode.Root(file, stream.Documents[0].RootNode));
    }

    private static Dictionary<string, IReadOnlyDictionary<string, string>> ReadValues(ScenarioNode? node) =>
        (node?.Entries ?? []).ToDictionary(
            e => e.Key,
            e => (IReadOnlyDictionary<string, string>)e.Value.Entries.ToDictionary(v => Words.Normalize(v.Key), v => v.Value.Text, StringComparer.Ordinal),
            StringComparer.Ordinal);
}

/// <summary>The words of one step: the command it sends and how a scenario writes it.</summary>
public sealed record StepWords(
    string Name,
    CommandDeclaration Command,
    IReadOnlyList<TextPattern> Texts,
    IReadOnlyDictionary<string, string> Fields,
    IReadOnlyDictionary<string, ScenarioNode> Parameters,
    ScenarioNode? Defaults,
    IReadOnlyDictionary<string, TextPattern> Items,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Values,
    IReadOnlyList<string> Hooks,
    ActingWords? Acting,
    ScenarioNode? At,
    IReadOnlyList<IReadOnlyList<string>> Exclusive,
    ScenarioNode Node)
{
    internal static StepWords Read(string name, ScenarioNode node, CaseKind kind)
    {
        node.OnlyKeys("command", "text", "fields", "params", "defaults", "items", "values", "hooks", "acting", "at", "exclusive");
        var commandName = node.Required("command").Text;
        var command = kind.CommandNamed(commandName)
            ?? throw node.Required("command").Error($"{kind.Name} has no command '{commandName}'; it has: {string.Join(", ", kind.Commands.Select(c => c.Name))}");
        var texts = node.Get("text") is { } text ? (text.IsSequence ? text.Items : [text]).Select(t => TextPattern.Parse(t)).ToList() : [];
        foreach (var hook in node.Get("hooks")?.Items ?? [])
        {
            if (!kind.ScenarioHooks.ContainsKey(hook.Text))
            {
                throw hook.Error($"{kind.Name} declares no scenario hook '{hook.Text}'");
            }
        }

        return new StepWords(
            name,
            command,
            texts,
            (node.Get("fields")?.Entries ?? []).ToDictionary(e => e.Key, e => e.Value.Text, StringComparer.Ordinal),
            (node.Get("params")?.Entries ?? []).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            node.Get("defaults"),
            (node.Get("items")?.Entries ?? []).ToDictionary(e => e.Key, e => TextPattern.Parse(e.Value), StringComparer.Ordinal),
            (node.Get("values")?.Entries ?? []).ToDictionary(
                e => e.Key,
                e => (IReadOnlyDictionary<string, string>)e.Value.Entries.ToDictionary(v => Words.Normalize(v.Key), v => v.Value.Text, StringComparer.Ordinal),
                StringComparer.Ordinal),
            (node.Get("hooks")?.Items ?? []).Select(h => h.Text).ToList(),
            node.Get("acting") is { } acting ? ActingWords.Read(acting) : null,
            node.Get("at"),
            (node.Get("exclusive")?.Items ?? []).Select(set => (IReadOnlyList<string>)set.Items.Select(i => i.Text).ToList()).ToList(),
            node);
    }
}

/// <summary>
/// A macro: one line of a scenario that stands for a few steps, possibly of another kind's case (a
/// co-funded project's renovation vote). Its parameters come from its text; <c>by</c> names the
/// parameter whose value picks the steps.
/// </summary>
public sealed record MacroWords(
    string Name,
    string Case,
    string? Kind,
    IReadOnlyList<TextPattern> Texts,
    IReadOnlyDictionary<string, ScenarioNode> Parameters,
    string By,
    IReadOnlyDictionary<string, ScenarioNode> Variants,
    ScenarioNode Node)
{
    internal static MacroWords Read(string name, ScenarioNode node)
    {
        node.OnlyKeys("case", "kind", "text", "params", "by", "variants");
        var variants = node.Required("variants").Entries.ToDictionary(e => Words.Normalize(e.Key), e => e.Value, StringComparer.Ordinal);
        return new MacroWords(
            name,
            node.Required("case").Text,
            node.Get("kind")?.Text,
            node.Get("text") is { } text ? (text.IsSequence ? text.Items : [text]).Select(t => TextPattern.Parse(t)).ToList() : [],
            (node.Get("params")?.Entries ?? []).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal),
            node.Required("by").Text,
            variants,
            node);
    }
}

/// <summary>Who acts in a step: templates that may name the step's fields (<c>{voterId}</c>).</summary>
public sealed record ActingWords(string? Actor, string? Channel, string? For, string? Role)
{
    /// <summary>The partner institution a partner's clerk acts for (<c>institution: bank-of-jilin</c>).</summary>
    public string? Institution { get; init; }

    internal static ActingWords Read(ScenarioNode node)
    {
        if (node.IsScalar)
        {
            return new ActingWords(node.Text, null, null, null);
        }

        node.OnlyKeys("actor", "channel", "for", "role", "institution");
        return new ActingWords(node.Get("actor")?.Text, node.Get("channel")?.Text, node.Get("for")?.Text, node.Get("role")?.Text)
        {
            Institution = node.Get("institution")?.Text,
        };
    }

    /// <summary>These words, with anything they leave out taken from <paramref name="fallback"/>.</summary>
    public ActingWords Over(ActingWords? fallback) =>
        fallback is null ? this : new ActingWords(Actor ?? fallback.Actor, Channel ?? fallback.Channel, For ?? fallback.For, Role ?? fallback.Role)
        {
            Institution = Institution ?? fallback.Institution,
        };
}

/// <summary>A fact "then" may check: where the main read model holds it, and how it is written.</summary>
public sealed record FactWords(string Name, string Path, string? Format, string? Strip, string? Empty)
{
    internal static FactWords Read(string name, ScenarioNode node)
    {
        if (node.IsScalar)
        {
            return new FactWords(name, node.Text, null, null, null);
        }

        node.OnlyKeys("path", "format", "strip", "empty");
        return new FactWords(name, node.Required("path").Text, node.Get("format")?.Text, node.Get("strip")?.Text, node.Get("empty")?.Text);
    }
}

/// <summary>Durations written <c>7 days</c>, <c>90 minutes</c>, <c>1 hour</c>.</summary>
public static class Durations
{
    public static TimeSpan Read(ScenarioNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        return TryParse(node.Text, out var span) ? span : throw node.Error($"'{node.Text}' is not a duration such as '1 minute', '2 hours' or '7 days'");
    }

    public static bool TryParse(string text, out TimeSpan span)
    {
        span = default;
        var parts = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length != 2 || !decimal.TryParse(parts[0], NumberStyles.Number, CultureInfo.InvariantCulture, out var amount))
        {
            return false;
        }

        var unit = parts[1].ToLowerInvariant().TrimEnd('s');
        TimeSpan? one = unit switch
        {
            "second" => TimeSpan.FromSeconds(1),
            "minute" => TimeSpan.FromMinutes(1),
            "hour" => TimeSpan.FromHours(1),
            "day" => TimeSpan.FromDays(1),
            "week" => TimeSpan.FromDays(7),
            _ => null,
        };
        if (one is null)
        {
            return false;
        }

        span = TimeSpan.FromTicks((long)(one.Value.Ticks * amount));
        return true;
    }
}

/// <summary>How words are compared: without regard to case, spaces, dashes or underscores.</summary>
public static class Words
{
    public static string Normalize(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return new string(text.Where(c => c is not (' ' or '-' or '_')).Select(char.ToLowerInvariant).ToArray());
    }
}
