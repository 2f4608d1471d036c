using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.Rules;

/// <summary>One version of a rule as written in a rule file.</summary>
public sealed record RuleVersion(
    string Id,
    string Version,
    string Title,
    DateOnly EffectiveFrom,
    bool Proposed,
    JsonObject Parameters)
{
    public RuleRef Ref => new(Id, Version);
}

/// <summary>
/// Every rule version CaseLedger knows, read from data: the library's default rule file, then any rule
/// files and the <c>CaseLedger:Rules</c> section of configuration. A version is in force from its
/// effective date (a calendar date in the rule book's time zone) until the next version's; proposed
/// versions are never in force but can be named explicitly (for what-if runs).
/// </summary>
public sealed class RuleBook
{
    internal static readonly JsonSerializerOptions ParameterJson = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = JsonNumberHandling.AllowReadingFromString,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.KebabCaseLower) },
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // A required threshold written as null must be refused here, not found missing at count time.
        RespectNullableAnnotations = true,
    };

    private readonly Dictionary<string, List<RuleVersion>> _versions;
    private readonly IReadOnlyDictionary<string, RuleVersion> _substituted;

    private RuleBook(TimeSpan utcOffset, Dictionary<string, List<RuleVersion>> versions, IReadOnlyList<ClauseInfo> clauses,
        IReadOnlyDictionary<string, RuleVersion>? substituted = null)
    {
        UtcOffset = utcOffset;
        _versions = versions;
        Clauses = clauses;
        _substituted = substituted ?? new Dictionary<string, RuleVersion>();
    }

    /// <summary>
    /// This rule book with <paramref name="version"/> in force for its rule on every date, proposed or
    /// not: what a scenario naming a version, or a what-if replay, decides under.
    /// </summary>
    public RuleBook Substituting(RuleVersion version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var substituted = new Dictionary<string, RuleVersion>(_substituted) { [version.Id] = version };
        return new RuleBook(UtcOffset, _versions, Clauses, substituted);
    }

    /// <summary>
    /// The offset of the civil time in which effective dates are read and local times are written
    /// (China: +08:00): CaseLedger's one source of civil time.
    /// </summary>
    public TimeSpan UtcOffset { get; }

    /// <summary>Every clause the rule documents describe, with its stable id, in the order written.</summary>
    public IReadOnlyList<ClauseInfo> Clauses { get; }

    /// <summary>The clauses of one rule (those whose id starts with the rule's id).</summary>
    public IReadOnlyList<ClauseInfo> ClausesOf(string ruleId) =>
        Clauses.Where(c => c.Id.StartsWith(ruleId + ".", StringComparison.Ordinal)).ToList();

    /// <summary>A local time (without an offset) in the rule book's civil time.</summary>
    public DateTimeOffset AtLocal(DateTime local) => new(DateTime.SpecifyKind(local, DateTimeKind.Unspecified), UtcOffset);

    public IEnumerable<RuleVersion> All => _versions.Values.SelectMany(v => v);

    /// <summary>The calendar date of an instant in the rule book's civil time.</summary>
    public DateOnly LocalDate(DateTimeOffset instant) => DateOnly.FromDateTime(instant.ToOffset(UtcOffset).DateTime);

    /// <summary>The version of <paramref name="ruleId"/> in force on <paramref name="date"/>.</summary>
    public RuleVersion InForce(string ruleId, DateOnly date)
    {
        if (_substituted.TryGetValue(ruleId, out var substitute))
        {
            return substitute;
        }

        var candidates = Versions(ruleId).Where(v => !v.Proposed && v.EffectiveFrom <= date).ToList();
        if (candidates.Count == 0)
        {
            throw new RuleNotFoundException($"No version of rule '{ruleId}' is in force on {date:yyyy-MM-dd}.");
        }

        return candidates.MaxBy(v => v.EffectiveFrom)!;
    }

    /// <summary>Typed parameters of the version in force at an instant.</summary>
    public T InForce<T>(string ruleId, DateTimeOffset instant) where T : RuleParameters =>
        Parameters<T>(InForce(ruleId, LocalDate(instant)));

    /// <summary>Typed parameters of the version in force at an instant, or null when no version is in force then.</summary>
    public T? TryInForce<T>(string ruleId, DateTimeOffset instant) where T : RuleParameters
    {
        if (_substituted.TryGetValue(ruleId, out var substitute))
        {
            return Parameters<T>(substitute);
        }

        var date = LocalDate(instant);
        var inForce = _versions.TryGetValue(ruleId, out var versions)
            ? versions.Where(v => !v.Proposed && v.EffectiveFrom <= date).MaxBy(v => v.EffectiveFrom)
            : null;
        return inForce is null ? null : Parameters<T>(inForce);
    }

    /// <summary>A city's working calendar, each day decided by the calendar version in force that day.</summary>
    public WorkingCalendar Calendar(string city) =>
        new(city, day => Parameters<CalendarRules>(InForce(WorkingCalendar.RuleIdFor(city), day)), UtcOffset);

    /// <summary>A named version, proposed or not.</summary>
    public RuleVersion Get(string ruleId, string version) =>
        Versions(ruleId).FirstOrDefault(v => v.Version == version)
        ?? throw new RuleNotFoundException($"Rule '{ruleId}' has no version '{version}'.");

    public T Get<T>(string ruleId, string version) where T : RuleParameters => Parameters<T>(Get(ruleId, version));

    /// <summary>Reads a version's parameters as the kind's typed record.</summary>
    public static T Parameters<T>(RuleVersion version) where T : RuleParameters
    {
        ArgumentNullException.ThrowIfNull(version);
        // Read once per version and type: every decision, and verification deciding each recorded one again, asks for them.
        var read = Read.GetOrCreateValue(version);
        if (read.TryGetValue(typeof(T), out var held))
        {
            return (T)held;
        }

        var parameters = ReadParameters<T>(version);
        read.TryAdd(typeof(T), parameters);
        return parameters;
    }

    /// <summary>Each version's parameters as read, by type; kept while the version is (its parameters are immutable records).</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<RuleVersion, System.Collections.Concurrent.ConcurrentDictionary<Type, RuleParameters>> Read = new();

    private static T ReadParameters<T>(RuleVersion version) where T : RuleParameters
    {
        try
        {
            var parameters = version.Parameters.Deserialize<T>(ParameterJson)
                ?? throw new JsonException("the parameters are empty");
            return parameters with { Rule = version.Ref };
        }
        catch (Exception e) when (e is JsonException or FormatException or NotSupportedException)
        {
            throw new RuleBookException($"Rule {version.Ref} has parameters that do not fit {typeof(T).Name}: {e.Message}", e);
        }
    }

    private List<RuleVersion> Versions(string ruleId) =>
        _versions.TryGetValue(ruleId, out var versions)
            ? versions
            : throw new RuleNotFoundException($"No rule '{ruleId}' is defined.");

    /// <summary>Builds a rule book from rule documents, later documents overriding earlier ones.</summary>
    public sealed class Builder
    {
        private readonly Dictionary<(string, string), RuleVersion> _byKey = [];
        private readonly Dictionary<string, ClauseInfo> _clauses = [];
        private TimeSpan? _offset;

        /// <summary>
        /// Each file named in <c>CaseLedger:RuleFiles</c>, then the <c>CaseLedger:Rules</c> section. A
        /// later version with the same id and version replaces an earlier one.
        /// </summary>
        public Builder AddConfiguration(IConfiguration configuration)
        {
            ArgumentNullException.ThrowIfNull(configuration);
            foreach (var file in configuration.GetSection("CaseLedger:RuleFiles").GetChildren().Select(c => c.Value).OfType<string>())
            {
                AddJson(File.ReadAllText(file), file);
            }

            var section = configuration.GetSection("CaseLedger:Rules");
            if (section.Exists())
            {
                AddJson(ConfigurationJson.ToJson(section).ToJsonString(), "configuration section CaseLedger:Rules");
            }

            return this;
        }

        /// <summary>
        /// CaseLedger's own rule documents: the civil time (+08:00) rule dates are read in, and the
        /// working calendars of the cities its kinds serve (<c>Rules/calendars/*.calendar.json</c>).
        /// </summary>
        public Builder AddDefault()
        {
            var assembly = typeof(RuleBook).Assembly;
            using (var stream = assembly.GetManifestResourceStream("CaseLedger.Rules.default-rules.json")
                ?? throw new InvalidOperationException("The default rule file is missing from the CaseLedger assembly."))
            using (var reader = new StreamReader(stream))
            {
                AddJson(reader.ReadToEnd(), "default-rules.json");
            }

            foreach (var name in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".calendar.json", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                using var stream = assembly.GetManifestResourceStream(name)!;
                using var reader = new StreamReader(stream);
                AddJson(reader.ReadToEnd(), name);
            }

            return this;
        }

        /// <summary>
        /// Adds a rule document: <c>{ "timeZone": "+08:00", "rules": { "rule-id": [ { "version", "title",
        /// "effectiveFrom", "proposed", "parameters": { ... } } ] } }</c>.
        /// </summary>
        public Builder AddJson(string json, string source)
        {
            JsonNode? root;
            try
            {
                root = JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
            }
            catch (JsonException e)
            {
                throw new RuleBookException($"{source}: not valid JSON ({e.Message})", e);
            }

            if (root is not JsonObject document)
            {
                throw new RuleBookException($"{source}: a rule document is a JSON object.");
            }

            if (document["timeZone"] is JsonValue zone)
            {
                _offset = ParseOffset(zone.ToString(), source);
            }

            if (document["clauses"] is JsonObject clauses)
            {
                foreach (var (id, description) in clauses)
                {
                    _clauses[id] = new ClauseInfo(id, description?.ToString()
                        ?? throw new RuleBookException($"{source}: clause '{id}' has no description."));
                }
            }

            if (document["rules"] is not JsonObject rules)
            {
                return this;
            }

            foreach (var (ruleId, list) in rules)
            {
                foreach (var entry in AsEntries(list, source, ruleId))
                {
                    var version = Read(entry, ruleId, source);
                    _byKey[(version.Id, version.Version)] = version;
                }
            }

            return this;
        }

        /// <summary>Adds a rule file, or every <c>*.json</c> rule file in a folder (in name order).</summary>
        public Builder AddFiles(string path)
        {
            ArgumentNullException.ThrowIfNull(path);
            var files = File.Exists(path)
                ? [path]
                : Directory.Exists(path)
                    ? Directory.GetFiles(path, "*.json").Order(StringComparer.Ordinal).ToArray()
                    : throw new RuleBookException($"{path}: no such rule file or folder.");
            foreach (var file in files)
            {
                AddJson(File.ReadAllText(file), file);
            }

            return this;
        }

        public Builder Add(RuleVersion version)
        {
            ArgumentNullException.ThrowIfNull(version);
            _byKey[(version.Id, version.Version)] = version;
            return this;
        }

        public RuleBook Build() =>
            new(_offset ?? throw new RuleBookException("No rule document says the civil time (timeZone); add CaseLedger's default first."),
                _byKey.Values
                    .GroupBy(v => v.Id)
                    .ToDictionary(g => g.Key, g => g.OrderBy(v => v.EffectiveFrom).ToList()),
                _clauses.Values.ToList());

        private static IEnumerable<JsonObject> AsEntries(JsonNode? list, string source, string ruleId) => list switch
        {
            JsonArray array => array.Select(n => n as JsonObject
                ?? throw new RuleBookException($"{source}: each version of '{ruleId}' is a JSON object.")),
            // Configuration sections turn arrays into objects keyed "0", "1", ...
            JsonObject keyed => keyed.Select(kv => kv.Value as JsonObject
                ?? throw new RuleBookException($"{source}: each version of '{ruleId}' is an object.")),
            _ => throw new RuleBookException($"{source}: '{ruleId}' must list its versions."),
        };

        /// <summary>Reads a UTC offset written <c>+08:00</c>, <c>-05:30</c> or <c>+8</c> (whole hours).</summary>
        private static TimeSpan ParseOffset(string text, string source)
        {
            var sign = text.StartsWith('-') ? -1 : 1;
            var body = text.TrimStart('+', '-');
            var formats = new[] { @"hh\:mm", @"h\:mm", "hh", "%h" };
            if ((text.StartsWith('+') || text.StartsWith('-'))
                && TimeSpan.TryParseExact(body, formats, CultureInfo.InvariantCulture, out var offset)
                && offset <= TimeSpan.FromHours(14))
            {
                return sign * offset;
            }

            throw new RuleBookException($"{source}: timeZone '{text}' is not a UTC offset such as +08:00 (at most 14 hours).");
        }

        private static RuleVersion Read(JsonObject entry, string ruleId, string source)
        {
            string Required(string name) =>
                entry[name]?.ToString() is { Length: > 0 } value
                    ? value
                    : throw new RuleBookException($"{source}: a version of '{ruleId}' has no '{name}'.");

            var version = Required("version");
            if (!DateOnly.TryParseExact(Required("effectiveFrom"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from))
            {
                throw new RuleBookException($"{source}: {ruleId}@{version} effectiveFrom is not a date written yyyy-MM-dd.");
            }

            var proposed = false;
            if (entry["proposed"]?.ToString() is { } flag && !bool.TryParse(flag, out proposed))
            {
                throw new RuleBookException($"{source}: {ruleId}@{version} 'proposed' must be true or false, not '{flag}'.");
            }

            var parameters = entry["parameters"] as JsonObject
                ?? throw new RuleBookException($"{source}: {ruleId}@{version} has no 'parameters' object.");
            return new RuleVersion(ruleId, version, entry["title"]?.ToString() ?? "", from, proposed,
                (JsonObject)parameters.DeepClone());
        }
    }
}

/// <summary>A clause of a rule: its stable id and what it asks, as the rule document describes it.</summary>
public sealed record ClauseInfo(string Id, string Description);

/// <summary>A rule document that cannot be read.</summary>
public class RuleBookException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A rule or rule version that is not in the rule book.</summary>
public sealed class RuleNotFoundException(string message) : RuleBookException(message);

/// <summary>Turns a configuration section back into JSON (all leaf values are strings).</summary>
internal static class ConfigurationJson
{
    public static JsonNode ToJson(IConfigurationSection section)
    {
        var children = section.GetChildren().ToList();
        if (children.Count == 0)
        {
            return JsonValue.Create(section.Value ?? "")!;
        }

        var node = new JsonObject();
        foreach (var child in children)
        {
            node[child.Key] = ToJson(child);
        }

        return node;
    }
}
