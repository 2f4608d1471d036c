using System.Globalization;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.Scenarios;

/// <summary>
/// What happened when a scenario's "when" ran: the rejection, or the events with the clauses the
/// decision evaluated, and the kind's facts (read from the case's main read model) for "then" to check.
/// </summary>
public sealed record Observation(
    Rejection? Rejection,
    IReadOnlyList<object> Events,
    IReadOnlyList<string> EventTypes,
    IReadOnlyList<CriterionResult> Clauses,
    IReadOnlyDictionary<string, string> Facts);

/// <summary>Where a scenario's steps run: the in-memory ledger, or the real store through the pipeline.</summary>
public interface IScenarioLedger
{
    Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken ct);

    Task<object?> MainViewAsync(CaseKind kind, string district, Guid caseId, CancellationToken ct);

    /// <summary>
    /// Lets time pass for the given cases up to <paramref name="until"/>: each deadline that falls due on
    /// the way is recorded as breached at its due time, with the kind's escalation (a "time passes" step).
    /// </summary>
    Task<IReadOnlyList<CommandOutcome>> PassTimeAsync(string district, IReadOnlyCollection<Guid> cases, DateTimeOffset until, CancellationToken ct);
}

/// <summary>The in-memory ledger as a scenario's ledger.</summary>
public sealed class InMemoryScenarioLedger(InMemoryLedger ledger) : IScenarioLedger
{
    public InMemoryLedger Ledger => ledger;

    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken ct) => ledger.ExecuteAsync(request, ct);

    public Task<object?> MainViewAsync(CaseKind kind, string district, Guid caseId, CancellationToken ct) =>
        Task.FromResult(ledger.MainView(district, caseId));

    public Task<IReadOnlyList<CommandOutcome>> PassTimeAsync(string district, IReadOnlyCollection<Guid> cases, DateTimeOffset until, CancellationToken ct) =>
        ledger.PassTimeAsync(district, until, cases, ct);
}

/// <summary>The real store as a scenario's ledger: every step is a command through the pipeline.</summary>
public sealed class StoreScenarioLedger(IDocumentStore store, CasePipeline pipeline) : IScenarioLedger
{
    public Task<CommandOutcome> ExecuteAsync(CommandRequest request, CancellationToken ct) => pipeline.ExecuteAsync(request, ct);

    public async Task<object?> MainViewAsync(CaseKind kind, string district, Guid caseId, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kind);
        await using var session = store.QuerySession(district);
        return await kind.MainView.LoadAsync(session, caseId, ct);
    }

    public Task<IReadOnlyList<CommandOutcome>> PassTimeAsync(string district, IReadOnlyCollection<Guid> cases, DateTimeOffset until, CancellationToken ct) =>
        pipeline.PassTimeAsync(district, until, cases, ct);
}

/// <summary>
/// Runs scenarios of any kind: every step is one of the kind's declared commands (or a macro of a
/// few), written in the words of the kind's <see cref="Vocabulary"/>, and sent through the command
/// pipeline with its time (<c>at</c>) and who acts (<c>as</c>). Nothing here knows a kind.
/// </summary>
public sealed class ScenarioEngine
{
    private static readonly string[] Modifiers = ["at", "as", "case"];
    private const string TimePasses = "time passes";

    private readonly Dictionary<string, Vocabulary> _vocabularies;

    public ScenarioEngine(CaseKinds kinds)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        Kinds = kinds;
        _vocabularies = kinds.All.ToDictionary(k => k.Name, Vocabulary.Of, StringComparer.Ordinal);
    }

    public CaseKinds Kinds { get; }

    public IReadOnlyDictionary<string, Vocabulary> Vocabularies => _vocabularies;

    public Vocabulary VocabularyOf(string kind) =>
        _vocabularies.TryGetValue(kind, out var vocabulary)
            ? vocabulary
            : throw new ArgumentException($"No registered kind is named '{kind}'.", nameof(kind));

    /// <summary>
    /// Runs the scenario's given steps (each must be accepted), then its when step, and observes the
    /// outcome. <paramref name="rules"/> is the rule book its decisions are taken under; the first step
    /// happens at <paramref name="start"/> unless it says otherwise.
    /// </summary>
    public async Task<Observation> RunAsync(Scenario scenario, IScenarioLedger ledger, RuleBook rules, DateTimeOffset start, string district,
        CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(scenario);
        ArgumentNullException.ThrowIfNull(ledger);
        ArgumentNullException.ThrowIfNull(rules);
        if (!_vocabularies.TryGetValue(scenario.Kind, out var vocabulary))
        {
            throw new ScenarioFormatException(scenario.File, scenario.Line, $"unknown kind '{scenario.Kind}'; known: {string.Join(", ", _vocabularies.Keys)}");
        }

        var run = new Run(this, vocabulary, ledger, rules, start, district, ct);
        foreach (var item in GivenItems(scenario.Given))
        {
            await run.ItemAsync(item.Node, item.Step, item.Value, given: true);
        }

        var when = WhenItem(scenario.When);
        var outcome = await run.ItemAsync(when.Node, when.Step, when.Value, given: false)
            ?? throw scenario.When.Error("the when step must be a command of the case");
        if (scenario.RuleDate is { } date && run.OpenedAt is var (openedAt, openingNode)
            && DateOnly.FromDateTime(openedAt.ToOffset(rules.UtcOffset).DateTime) != date)
        {
            throw openingNode.Error($"the scenario names the date {date:yyyy-MM-dd}, so its case must be opened that day (civil time), not {openedAt:yyyy-MM-dd HH:mm zzz}");
        }
        var main = run.Case("", vocabulary.Kind);
        var view = main.Opened ? await ledger.MainViewAsync(main.Kind, district, main.Id, ct) : null;
        var facts = FactsOf(vocabulary, view);
        return outcome.Rejection is { } rejection
            ? new Observation(rejection, [], [], outcome.Clauses, facts)
            : new Observation(null, outcome.Events, outcome.Appended, outcome.Clauses, facts);
    }

    /// <summary>The facts the vocabulary names, read from a main read model.</summary>
    public static IReadOnlyDictionary<string, string> FactsOf(Vocabulary vocabulary, object? view)
    {
        ArgumentNullException.ThrowIfNull(vocabulary);
        var facts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (view is null)
        {
            return facts;
        }

        var json = JsonSerializer.SerializeToNode(view, view.GetType(), CaseJson.Options);
        foreach (var fact in vocabulary.Facts.Values)
        {
            if (Json.At(json, fact.Path) is { } value && Format(value, fact) is { } text)
            {
                facts[fact.Name] = text;
            }
        }

        return facts;
    }

    private static string? Format(JsonNode value, FactWords fact)
    {
        string One(JsonNode? node)
        {
            var text = node switch
            {
                JsonObject obj when fact.Format is { } format => Placeholders.Fill(format, name => Json.At(obj, name) is { } v ? Json.Text(v) : ""),
                null => "",
                _ => Json.Text(node),
            };
            return fact.Strip is { } strip && text.StartsWith(strip, StringComparison.Ordinal) ? text[strip.Length..] : text;
        }

        return value switch
        {
            JsonArray { Count: 0 } => fact.Empty ?? "none",
            JsonArray items => string.Join(", ", items.Select(One)),
            JsonValue v when v.GetValueKind() == JsonValueKind.Null => null,
            _ => One(value),
        };
    }

    private static IEnumerable<(ScenarioNode Node, string Step, ScenarioNode? Value)> GivenItems(ScenarioNode? given)
    {
        if (given is null || given.IsEmpty)
        {
            yield break;
        }

        if (given.IsSequence)
        {
            foreach (var item in given.Items)
            {
                yield return Item(item);
            }

            yield break;
        }

        // A mapping: each step in the order written; a list under a step is that step once per item.
        foreach (var (step, value) in given.Entries)
        {
            if (value.IsSequence && step != TimePasses)
            {
                foreach (var each in value.Items)
                {
                    yield return (each, step, each);
                }
            }
            else
            {
                yield return (value, step, value);
            }
        }
    }

    private static (ScenarioNode Node, string Step, ScenarioNode? Value) WhenItem(ScenarioNode when) =>
        when.IsSequence ? throw when.Error("'when' is one step, not a list") : Item(when);

    /// <summary>A step written as a line (<c>close</c>) or as one key (the step) with modifiers (<c>at</c>, <c>as</c>, <c>case</c>).</summary>
    private static (ScenarioNode Node, string Step, ScenarioNode? Value) Item(ScenarioNode item)
    {
        if (item.IsScalar)
        {
            return (item, item.Text.Trim(), null);
        }

        var steps = item.Entries.Where(e => !Modifiers.Contains(e.Key)).ToList();
        return steps.Count == 1
            ? (item, steps[0].Key, steps[0].Value)
            : throw item.Error(steps.Count == 0
                ? "name the step (a command of the case), e.g. 'cast: alice yes'"
                : $"one step per item, not {string.Join(" and ", steps.Select(s => s.Key))}; start another item with '- '");
    }

    /// <summary>A case a scenario acts on: the scenario's own (labelled "") or another one it names.</summary>
    private sealed class ScenarioCase(CaseKind kind)
    {
        public CaseKind Kind { get; } = kind;

        public Guid Id { get; } = Guid.NewGuid();

        public bool Opened { get; set; }

        public List<JsonObject> History { get; } = [];

        public Dictionary<string, int> Counts { get; } = [];
    }

    /// <summary>One run of one scenario: its cases, its clock and the rule book.</summary>
    private sealed class Run(ScenarioEngine engine, Vocabulary vocabulary, IScenarioLedger ledger, RuleBook rules, DateTimeOffset start,
        string district, CancellationToken ct)
    {
        private readonly Dictionary<string, ScenarioCase> _cases = new(StringComparer.Ordinal);
        private DateTimeOffset? _last;

        /// <summary>When the scenario's own case was opened, and by which step.</summary>
        public (DateTimeOffset At, ScenarioNode Node)? OpenedAt { get; private set; }

        /// <summary>The scenario's cases opened so far: those whose deadlines time passing may fire.</summary>
        private List<Guid> OpenedCases() => _cases.Values.Where(c => c.Opened).Select(c => c.Id).ToList();

        public ScenarioCase Case(string label, CaseKind kind)
        {
            if (!_cases.TryGetValue(label, out var found))
            {
                found = new ScenarioCase(kind);
                _cases[label] = found;
            }

            return found;
        }

        public async Task<CommandOutcome?> ItemAsync(ScenarioNode node, string step, ScenarioNode? value, bool given,
            Vocabulary? words = null, string? label = null, IReadOnlyDictionary<string, string>? scope = null)
        {
            words ??= vocabulary;
            label = node.IsMapping && node.Get("case") is { } named ? named.Text : label ?? "";
            if (step == TimePasses)
            {
                var span = Durations.Read(value ?? node);
                var until = (_last ?? start) + span;
                var fired = await ledger.PassTimeAsync(district, OpenedCases(), until, ct);
                _last = until;
                // What fell due on the way, as one outcome: a "when" of passing time observes the breaches and escalations.
                return new CommandOutcome(Guid.Empty, 0, [.. fired.SelectMany(o => o.Appended)], null, [.. fired.SelectMany(o => o.Clauses)])
                {
                    Events = [.. fired.SelectMany(o => o.Events)],
                };
            }

            if (words.Macros.TryGetValue(step, out var macro))
            {
                await MacroAsync(macro, node, value, given, words, scope);
                return null;
            }

            if (!words.Steps.TryGetValue(step, out var stepWords))
            {
                throw node.Error($"'{step}' is not a step of {words.Kind.Name}; its steps are: " +
                    string.Join(", ", words.Steps.Keys.Concat(words.Macros.Keys).Append(TimePasses)));
            }

            var outcome = await StepAsync(stepWords, words, node, value, label, scope ?? new Dictionary<string, string>(), given);
            if (given && outcome.Rejection is { } refused)
            {
                throw node.Error($"this step of the history was refused ({refused.Code}: {refused.Reason}); every given step must be accepted");
            }

            return outcome;
        }

        private async Task MacroAsync(MacroWords macro, ScenarioNode node, ScenarioNode? value, bool given, Vocabulary words,
            IReadOnlyDictionary<string, string>? scope)
        {
            var parameters = macro.Parameters.ToDictionary(p => p.Key, p => p.Value.Text, StringComparer.Ordinal);
            if (value is { IsScalar: true, IsEmpty: false })
            {
                var matched = macro.Texts.Select(t => t.Match(value.Text)).FirstOrDefault(m => m is not null)
                    ?? throw value.Error($"'{value.Text}' is not written as {string.Join(" or ", macro.Texts.Select(t => $"'{t.Text}'"))}");
                foreach (var (name, text) in matched)
                {
                    parameters[name] = (string)text;
                }
            }
            else if (value is { IsMapping: true })
            {
                foreach (var (key, child) in value.Entries)
                {
                    parameters[key] = child.Text;
                }
            }

            foreach (var (key, text) in scope ?? new Dictionary<string, string>())
            {
                parameters.TryAdd(key, text);
            }

            var by = parameters.TryGetValue(macro.By, out var chosen) ? chosen : throw node.Error($"say the {macro.By} of the {macro.Name}");
            if (!macro.Variants.TryGetValue(Words.Normalize(by), out var steps))
            {
                throw (value ?? node).Error($"'{by}' is not a {macro.By} of the {macro.Name}; write one of: {string.Join(", ", macro.Variants.Keys)}");
            }

            var kind = macro.Kind is { } kindName ? engine.VocabularyOf(kindName) : words;
            var macroCase = Case(macro.Case, kind.Kind);
            if (node.IsMapping && node.Get("at") is { } at)
            {
                _last = Time(at.Text, node, macroCase, kind) - kind.Gap;
            }

            foreach (var item in steps.IsEmpty ? [] : steps.Items)
            {
                var (itemNode, itemStep, itemValue) = Item(item);
                try
                {
                    await ItemAsync(itemNode, itemStep, itemValue, given: true, kind, macro.Case, parameters);
                }
                catch (ScenarioFormatException e) when (e.File != node.File)
                {
                    throw node.Error($"the {macro.Name} '{by}' could not be set up: {e.Problem}");
                }
            }
        }

        private async Task<CommandOutcome> StepAsync(StepWords step, Vocabulary words, ScenarioNode node, ScenarioNode? value, string label,
            IReadOnlyDictionary<string, string> scope, bool given)
        {
            var theCase = Case(label, step.Command.Kind);
            if (theCase.Kind != step.Command.Kind)
            {
                throw node.Error($"the case '{label}' is a {theCase.Kind.Name}, not a {step.Command.Kind.Name}");
            }

            if (!step.Command.OpensCase && !theCase.Opened)
            {
                throw node.Error($"'{step.Name}' acts on a {step.Command.Kind.Name} that is not opened yet: open it in an earlier step");
            }

            var n = theCase.Counts[step.Name] = theCase.Counts.GetValueOrDefault(step.Name) + 1;
            var parameters = step.Parameters.ToDictionary(p => p.Key, p => p.Value.Text, StringComparer.Ordinal);
            foreach (var (key, text) in scope)
            {
                parameters.TryAdd(key, text);
            }

            var json = step.Defaults is null ? new JsonObject() : Json.FromNode(step.Defaults, scope) as JsonObject
                ?? throw step.Defaults.Error("a step's defaults are its command's fields ({ ... })");
            string? atText = node.IsMapping && node.Get("at") is { } atNode ? Placeholders.Fill(atNode.Text, scope) : null;
            if (value is { IsScalar: true, IsEmpty: false })
            {
                atText = ReadText(step, words, value, json, scope) ?? atText;
            }
            else if (value is { IsMapping: true })
            {
                foreach (var (key, child) in value.Entries)
                {
                    if (key == "at")
                    {
                        atText = Placeholders.Fill(child.Text, scope);
                    }
                    else if (step.Parameters.ContainsKey(key))
                    {
                        parameters[key] = Placeholders.Fill(child.Text, scope);
                    }
                    else
                    {
                        Set(json, step, key, child, scope);
                    }
                }
            }
            else if (value is { IsSequence: true })
            {
                throw value.Error($"'{step.Name}' takes one value here; in 'given', a list under a step means the step once per item");
            }

            if (value is { IsMapping: true } && step.Exclusive.FirstOrDefault(set => set.Count(k => value.Get(k) is not null) > 1) is { } clash)
            {
                throw value.Error($"give one of {string.Join(" or ", clash.Select(k => $"'{k}'"))}, not more");
            }

            var at = atText is not null ? Time(atText, node, theCase, words)
                : step.At is { } stepAt ? Time(Placeholders.Fill(stepAt.Text, scope), node, theCase, words)
                : _last is { } last ? last + words.Gap
                : start;
            // The history a scenario gives happened in the order written; whether a command may be dated
            // before the last one is the kind's own rule, so the step under test is left to decide it.
            if (given && _last is { } previous && at < previous)
            {
                throw node.Error($"this step is at {Stamp(at)}, before the step above it ({Stamp(previous)}): a given history runs in the order written, so its times may not go back");
            }

            var values = new Dictionary<string, object?>(StringComparer.Ordinal)
            {
                ["at"] = Stamp(at),
                ["n"] = n.ToString(CultureInfo.InvariantCulture),
            };
            foreach (var (key, text) in parameters)
            {
                values[key] = text;
            }

            foreach (var (caseLabel, other) in _cases)
            {
                values[$"case {caseLabel}"] = other.Opened || other.History.Count > 0 || caseLabel != label ? other.Id.ToString() : null;
            }

            Placeholders.Resolve(json, values, node);
            var typed = new Typing(this, step, words, node, theCase);
            var final = (JsonObject)typed.Convert(json, step.Command.CommandType, "")!;
            foreach (var hook in step.Hooks)
            {
                if (step.Command.Kind.ScenarioHooks[hook](final, theCase.History) is { } problem)
                {
                    throw (value ?? node).Error(problem);
                }
            }

            object command;
            try
            {
                command = final.Deserialize(step.Command.CommandType, CaseJson.Strict)
                    ?? throw node.Error("the step's command is empty");
            }
            catch (JsonException e)
            {
                throw (value ?? node).Error($"the {step.Command.Name} command cannot be made from this: {CaseJson.Describe(e)}");
            }

            var acting = Acting(step, words, node, final, scope);
            // Time passes up to the step as it does in the service, whether or not the scenario says so: a
            // deadline due before the step is breached (and escalated) first, at its own due time; the step
            // itself is observed on its own.
            if (OpenedCases() is { Count: > 0 } opened)
            {
                await ledger.PassTimeAsync(district, opened, DeadlineBook.JustBefore(at), ct);
            }

            var outcome = await ledger.ExecuteAsync(new CommandRequest(district, theCase.Id, command, acting) { At = at }, ct);
            if (outcome.IsAccepted)
            {
                theCase.Opened = true;
                theCase.History.Add(final);
            }

            if (step.Command.OpensCase && label.Length == 0)
            {
                OpenedAt ??= (at, node);
            }

            _last = at;
            return outcome;
        }

        private static string Stamp(DateTimeOffset at) => at.ToString("yyyy-MM-dd'T'HH:mm:sszzz", CultureInfo.InvariantCulture);

        /// <summary>Reads a step written as a line; returns the time it names, if it names one.</summary>
        private static string? ReadText(StepWords step, Vocabulary words, ScenarioNode value, JsonObject json, IReadOnlyDictionary<string, string> scope)
        {
            var text = Placeholders.Fill(value.Text, scope);
            string? at = null;
            var matched = step.Texts.Select(t => t.Match(text)).FirstOrDefault(m => m is not null);
            var split = text.LastIndexOf(" at ", StringComparison.Ordinal);
            if (matched is null && split > 0)
            {
                matched = step.Texts.Select(t => t.Match(text[..split])).FirstOrDefault(m => m is not null);
                at = matched is null ? null : text[(split + 4)..];
            }

            if (matched is null)
            {
                throw value.Error(step.Texts.Count == 0
                    ? $"'{step.Name}' is written with its fields ({{ ... }}), not as a line"
                    : $"'{text}' is not written as {string.Join(" or ", step.Texts.Select(t => $"'{t.Text}'"))} (a time may follow: '... at end')");
            }

            foreach (var (name, captured) in matched)
            {
                if (name == TextPattern.AtName)
                {
                    at = (string)captured;
                }
                else
                {
                    Json.Set(json, Alias(step, name), captured is List<string> list ? new JsonArray(list.Select(v => (JsonNode)JsonValue.Create(v)!).ToArray()) : JsonValue.Create((string)captured));
                }
            }

            _ = words;
            return at;
        }

        private static void Set(JsonObject json, StepWords step, string scenarioPath, ScenarioNode node, IReadOnlyDictionary<string, string> scope)
        {
            if (node.IsMapping)
            {
                foreach (var (key, child) in node.Entries)
                {
                    Set(json, step, $"{scenarioPath}.{key}", child, scope);
                }

                return;
            }

            Json.Set(json, Alias(step, scenarioPath), Json.FromNode(node, scope));
        }

        /// <summary>The command's path for a name a scenario uses: its alias, or its parent's alias with the last part kept.</summary>
        private static string Alias(StepWords step, string scenarioPath)
        {
            if (step.Fields.TryGetValue(scenarioPath, out var path))
            {
                return path;
            }

            var dot = scenarioPath.LastIndexOf('.');
            return dot < 0 ? scenarioPath : $"{Alias(step, scenarioPath[..dot])}.{scenarioPath[(dot + 1)..]}";
        }

        private static Acting Acting(StepWords step, Vocabulary words, ScenarioNode node, JsonObject command, IReadOnlyDictionary<string, string> scope)
        {
            var stated = node.IsMapping && node.Get("as") is { } asNode ? ActingWords.Read(asNode) : null;
            var template = (stated ?? step.Acting ?? words.Acting).Over(step.Acting).Over(words.Acting);
            string? Fill(string? text) => text is null
                ? null
                : Placeholders.Fill(Placeholders.Fill(text, scope), name => Json.At(command, name) is { } v ? Json.Text(v) : "");
            var where = node.IsMapping && node.Get("as") is { } asWritten ? asWritten : node;
            var channelText = Fill(template.Channel) ?? throw where.Error("say the channel the step came through (acting: { channel: ... })");
            var channel = ChannelOf(channelText, words)
                ?? throw where.Error($"'{channelText}' is not a channel; write one of: website, wechat, alipay, window, hotline, proxy, partner");
            // A step said to come through the proxy channel is done by help-and-handle staff, unless it names another role.
            var roleText = stated?.Role ?? (stated?.Channel is not null && channel == Channel.Proxy ? Roles.NameOf(Role.Proxy) : template.Role)
                ?? throw where.Error($"say the role the actor acts in (acting: {{ role: ... }}): one of {string.Join(", ", Roles.Names)}");
            if (Roles.OfPeople.Where(r => Words.Normalize(Roles.NameOf(r)) == Words.Normalize(roleText)).ToList() is not [var role])
            {
                throw where.Error($"'{roleText}' is not a role; write one of: {string.Join(", ", Roles.Names)}");
            }

            var actor = Fill(template.Actor) ?? throw where.Error("say who acts (acting: { actor: ... })");
            return new Acting(actor, channel, role, Fill(template.For)) { Institution = Fill(template.Institution) };
        }

        private static Channel? ChannelOf(string text, Vocabulary words)
        {
            var word = Words.Normalize(text);
            if (words.Values.TryGetValue("channel", out var aliases) && aliases.TryGetValue(word, out var named))
            {
                word = Words.Normalize(named);
            }

            return word switch
            {
                "website" or "online" or "onlineplatform" or "platform" => Channel.OnlinePlatform,
                "wechat" or "wechatminiprogram" => Channel.WeChatMiniProgram,
                "alipay" or "alipayminiprogram" => Channel.AlipayMiniProgram,
                "window" or "servicewindow" => Channel.ServiceWindow,
                "proxy" => Channel.Proxy,
                "hotline" or "phone" => Channel.Hotline,
                "partner" => Channel.Partner,
                _ => null,
            };
        }

        public DateTimeOffset Time(string text, ScenarioNode node, ScenarioCase theCase, Vocabulary words)
        {
            JsonNode? view = null;
            var (time, problem) = TimeExpression.Evaluate(text, rules.UtcOffset, name =>
            {
                if (!words.Times.TryGetValue(name, out var path))
                {
                    return (null, $"'{name}' is not a time; write a time such as 2024-05-06T09:00{(words.Times.Count > 0 ? " or one of: " + string.Join(", ", words.Times.Keys) : "")}");
                }

                if (!theCase.Opened)
                {
                    return (null, $"'{name}' is not known before the case is opened");
                }

                view ??= ledger.MainViewAsync(theCase.Kind, district, theCase.Id, ct).GetAwaiter().GetResult() is { } v
                    ? JsonSerializer.SerializeToNode(v, v.GetType(), CaseJson.Options)
                    : null;
                return Json.At(view, path) is JsonValue value && value.TryGetValue<DateTimeOffset>(out var at)
                    ? (at, null)
                    : (null, $"the case has no {name} yet");
            });
            return time ?? throw node.Error(problem!);
        }

        /// <summary>Turns the words of a step into a command's JSON, member by member, by the command's types.</summary>
        private sealed class Typing(Run run, StepWords step, Vocabulary words, ScenarioNode node, ScenarioCase theCase)
        {
            // optionalText: the member is text declared optional (string?). Like other optional members
            // it then takes `unknown` or `none` as nothing; required text keeps them as words.
            public JsonNode? Convert(JsonNode? value, Type type, string path, bool optionalText = false)
            {
                var underlying = Nullable.GetUnderlyingType(type);
                var target = underlying ?? type;
                if (value is JsonValue v && v.GetValueKind() == JsonValueKind.String && IsNothing(v.GetValue<string>())
                    && (underlying is not null || !target.IsValueType) && (target != typeof(string) || optionalText))
                {
                    return null;
                }

                if (value is null)
                {
                    return null;
                }

                if (target == typeof(string))
                {
                    return value is JsonValue ? JsonValue.Create(Json.Text(value)) : value;
                }

                if (Json.ElementType(target) is { } element)
                {
                    if (value is JsonObject pairs && step.Items.ContainsKey(path))
                    {
                        // A list of pairs written as a mapping: `funding: { maintenance-fund: 1280000 }`.
                        value = new JsonArray(pairs.Select(p => (JsonNode)JsonValue.Create($"{p.Key}: {(p.Value is null ? "" : Json.Text(p.Value))}")!).ToArray());
                    }

                    return value is JsonArray items
                        ? new JsonArray(items.Select(i => Convert(i?.DeepClone(), element, path + "[]")).ToArray())
                        : throw node.Error($"{path} is a list: write its items under it, one per line starting with '- '");
                }

                if (target.IsClass && target != typeof(string))
                {
                    if (step.Items.TryGetValue(path.TrimEnd(']').TrimEnd('['), out var pattern))
                    {
                        var line = value switch
                        {
                            JsonObject { Count: 1 } single => $"{single.First().Key}: {Json.Text(single.First().Value!)}",
                            JsonValue => Json.Text(value),
                            _ => null,
                        };
                        if (line is not null)
                        {
                            var matched = pattern.Match(line) ?? throw node.Error($"'{line}' is not written as '{pattern.Text}'");
                            var item = new JsonObject();
                            foreach (var (name, captured) in matched)
                            {
                                item[name] = captured is List<string> list ? new JsonArray(list.Select(s => (JsonNode)JsonValue.Create(s)!).ToArray()) : JsonValue.Create((string)captured);
                            }

                            value = item;
                        }
                    }

                    if (value is not JsonObject obj)
                    {
                        throw node.Error($"{(path.Length == 0 ? "the step" : path)} is written with its fields ({{ ... }})");
                    }

                    var result = new JsonObject();
                    foreach (var (key, member) in obj.ToList())
                    {
                        var property = target.GetProperty(key, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
                        var name = property is null ? key : JsonNamingPolicy.CamelCase.ConvertName(property.Name);
                        result[name] = property is null
                            ? member?.DeepClone()
                            : Convert(member?.DeepClone(), property.PropertyType, Join(path, name), IsOptionalText(property));
                    }

                    return result;
                }

                return Scalar(Json.Text(value), target, path);
            }

            private JsonValue? Scalar(string text, Type type, string path)
            {
                text = Alias(text, type, path);
                if (type == typeof(bool))
                {
                    return Words.Normalize(text) switch
                    {
                        "yes" or "true" => JsonValue.Create(true),
                        "no" or "false" => JsonValue.Create(false),
                        _ => throw node.Error($"{path}: '{text}' is not yes or no"),
                    };
                }

                if (type == typeof(decimal) || type == typeof(int) || type == typeof(long))
                {
                    var number = text.Replace(",", "", StringComparison.Ordinal).Replace("m²", "", StringComparison.Ordinal)
                        .Replace("yuan", "", StringComparison.Ordinal).Trim();
                    if (!decimal.TryParse(number, NumberStyles.Number, CultureInfo.InvariantCulture, out var value))
                    {
                        throw node.Error($"{path}: '{text}' is not a number");
                    }

                    return type == typeof(decimal) ? JsonValue.Create(value) : JsonValue.Create(value == decimal.Truncate(value)
                        ? (long)value
                        : throw node.Error($"{path}: '{text}' is not a whole number"));
                }

                if (type.IsEnum)
                {
                    var name = Enum.GetNames(type).FirstOrDefault(n => Words.Normalize(n) == Words.Normalize(text))
                        ?? throw node.Error($"{path}: '{text}' is not one of: {string.Join(", ", Enum.GetNames(type).Select(Kebab))}");
                    return JsonValue.Create(name);
                }

                if (type == typeof(DateTimeOffset))
                {
                    return JsonValue.Create(run.Time(text, node, theCase, words).ToString("O", CultureInfo.InvariantCulture));
                }

                if (type == typeof(DateOnly))
                {
                    return DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                        ? JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                        : throw node.Error($"{path}: '{text}' is not a date written yyyy-MM-dd");
                }

                if (type == typeof(Guid))
                {
                    return Guid.TryParse(text, out var id) ? JsonValue.Create(id.ToString()) : throw node.Error($"{path}: '{text}' is not a case id");
                }

                return JsonValue.Create(text);
            }

            private string Alias(string text, Type type, string path)
            {
                var field = path[(path.LastIndexOf('.') + 1)..];
                foreach (var table in new[] { step.Values.GetValueOrDefault(field), words.Values.GetValueOrDefault(field), words.Values.GetValueOrDefault(type.Name) })
                {
                    if (table is not null && table.TryGetValue(Words.Normalize(text), out var named))
                    {
                        return named;
                    }
                }

                return text;
            }

            private static bool IsOptionalText(PropertyInfo property) =>
                property.PropertyType == typeof(string) && new NullabilityInfoContext().Create(property).ReadState == NullabilityState.Nullable;

            private static bool IsNothing(string text) => Words.Normalize(text) is "none" or "unknown" or "~" or "null";

            private static string Join(string path, string name) => path.Length == 0 ? name : $"{path}.{name}";

            private static string Kebab(string name) => CommandDeclaration.Kebab(name);
        }
    }
}

/// <summary><c>{name}</c> placeholders in a vocabulary's defaults and in macros.</summary>
public static class Placeholders
{
    /// <summary>Fills every <c>{name}</c> that <paramref name="values"/> knows; others are left as written.</summary>
    public static string Fill(string text, IReadOnlyDictionary<string, string> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return Fill(text, name => values.TryGetValue(name, out var value) ? value : null);
    }

    public static string Fill(string text, Func<string, string?> value)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(value);
        var result = new System.Text.StringBuilder();
        var i = 0;
        while (i < text.Length)
        {
            var open = text.IndexOf('{', i);
            var close = open < 0 ? -1 : text.IndexOf('}', open);
            if (open < 0 || close < 0)
            {
                result.Append(text, i, text.Length - i);
                break;
            }

            result.Append(text, i, open - i);
            var name = text[(open + 1)..close];
            result.Append(value(name) ?? text[open..(close + 1)]);
            i = close + 1;
        }

        return result.ToString();
    }

    /// <summary>
    /// Resolves placeholders in every string of a command's JSON: the step's time and number, its
    /// parameters, other cases' ids (<c>{case vote}</c>) and the command's own fields (<c>{opensAt}</c>).
    /// A string that is only a placeholder for nothing becomes null.
    /// </summary>
    internal static void Resolve(JsonObject json, IReadOnlyDictionary<string, object?> values, ScenarioNode node)
    {
        var resolving = new HashSet<string>(StringComparer.Ordinal);

        string? Lookup(string name)
        {
            if (values.TryGetValue(name, out var value))
            {
                return value is string text ? Fill(text, Lookup) : null;
            }

            if (name.StartsWith("case ", StringComparison.Ordinal))
            {
                return null;
            }

            if (Json.At(json, name) is JsonValue field && field.GetValueKind() == JsonValueKind.String)
            {
                if (!resolving.Add(name))
                {
                    throw node.Error($"'{{{name}}}' is defined in terms of itself");
                }

                var filled = Fill(field.GetValue<string>(), Lookup);
                resolving.Remove(name);
                return filled;
            }

            return Json.At(json, name) is { } other ? Json.Text(other) : null;
        }

        void Walk(JsonNode? current)
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj.ToList())
                    {
                        if (child is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Contains('{', StringComparison.Ordinal))
                        {
                            obj[key] = Replace(v.GetValue<string>());
                        }
                        else
                        {
                            Walk(child);
                        }
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        if (array[i] is JsonValue v && v.GetValueKind() == JsonValueKind.String && v.GetValue<string>().Contains('{', StringComparison.Ordinal))
                        {
                            array[i] = Replace(v.GetValue<string>());
                        }
                        else
                        {
                            Walk(array[i]);
                        }
                    }

                    break;
            }
        }

        JsonNode? Replace(string text)
        {
            var trimmed = text.Trim();
            if (trimmed.StartsWith('{') && trimmed.EndsWith('}') && trimmed.IndexOf('{', 1) < 0 && Lookup(trimmed[1..^1]) is null
                && (values.ContainsKey(trimmed[1..^1]) || trimmed[1..^1].StartsWith("case ", StringComparison.Ordinal)))
            {
                return null;
            }

            return JsonValue.Create(Fill(text, Lookup));
        }

        Walk(json);
    }
}

/// <summary>Small JSON helpers for the scenario engine.</summary>
internal static class Json
{
    /// <summary>A YAML node as JSON: every scalar as text (typed later by the command's members).</summary>
    public static JsonNode? FromNode(ScenarioNode node, IReadOnlyDictionary<string, string>? scope = null)
    {
        if (node.IsMapping)
        {
            var obj = new JsonObject();
            foreach (var (key, child) in node.Entries)
            {
                obj[key] = FromNode(child, scope);
            }

            return obj;
        }

        if (node.IsSequence)
        {
            return new JsonArray(node.Items.Select(i => FromNode(i, scope)).ToArray());
        }

        return node.IsEmpty ? JsonValue.Create("") : JsonValue.Create(scope is null ? node.Text : Placeholders.Fill(node.Text, scope));
    }

    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            if (node is not JsonObject obj)
            {
                return null;
            }

            node = obj.FirstOrDefault(p => string.Equals(p.Key, part, StringComparison.OrdinalIgnoreCase)).Value;
        }

        return node;
    }

    public static void Set(JsonObject json, string path, JsonNode? value)
    {
        var parts = path.Split('.');
        var current = json;
        foreach (var part in parts[..^1])
        {
            if (current[part] is not JsonObject next)
            {
                next = new JsonObject();
                current[part] = next;
            }

            current = next;
        }

        current[parts[^1]] = value;
    }

    public static string Text(JsonNode node) => node switch
    {
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        JsonValue v when v.GetValueKind() == JsonValueKind.True => "yes",
        JsonValue v when v.GetValueKind() == JsonValueKind.False => "no",
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => v.ToJsonString(),
        _ => node.ToJsonString(),
    };

    /// <summary>The element type of a list type, or null when the type is not a list.</summary>
    public static Type? ElementType(Type type)
    {
        if (type.IsArray)
        {
            return type.GetElementType();
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() is var definition
            && (definition == typeof(IReadOnlyList<>) || definition == typeof(List<>) || definition == typeof(IList<>)
                || definition == typeof(IEnumerable<>) || definition == typeof(IReadOnlyCollection<>)))
        {
            return type.GetGenericArguments()[0];
        }

        return null;
    }
}
