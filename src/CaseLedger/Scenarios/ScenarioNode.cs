using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace CaseLedger.Scenarios;

/// <summary>A scenario file that cannot be read: says the file, the line and what is wrong.</summary>
public sealed class ScenarioFormatException(string file, int line, string problem)
    : Exception($"{file}:{line}: {problem}")
{
    public string File { get; } = file;

    public int Line { get; } = line;

    public string Problem { get; } = problem;
}

/// <summary>
/// A node of a scenario file with where it stands (file, line, path), so every complaint about a
/// scenario can point at the line a rule author has to fix.
/// </summary>
public sealed class ScenarioNode
{
    private readonly YamlNode _node;

    internal ScenarioNode(string file, string path, YamlNode node)
    {
        File = file;
        Path = path;
        _node = node;
    }

    public string File { get; }

    /// <summary>Where in the document this is, e.g. <c>scenarios[2].given.roll</c>.</summary>
    public string Path { get; }

    public int Line => (int)_node.Start.Line;

    public bool IsMapping => _node is YamlMappingNode;

    public bool IsSequence => _node is YamlSequenceNode;

    public bool IsScalar => _node is YamlScalarNode;

    /// <summary>The text of a scalar; a complaint if this is a list or a mapping.</summary>
    public string Text => _node is YamlScalarNode { Value: { } value } ? value : throw Error("expected a single value here");

    public ScenarioFormatException Error(string problem) => new(File, Line, $"{Path}: {problem}");

    /// <summary>The members of a mapping, in file order.</summary>
    public IReadOnlyList<(string Key, ScenarioNode Value)> Entries => _node is YamlMappingNode map
        ? map.Children.Select(kv => (Key(kv.Key), new ScenarioNode(File, Join(Key(kv.Key)), kv.Value))).ToList()
        : throw Error("expected a mapping (key: value lines) here");

    /// <summary>The items of a list.</summary>
    public IReadOnlyList<ScenarioNode> Items => _node is YamlSequenceNode list
        ? list.Children.Select((n, i) => new ScenarioNode(File, $"{Path}[{i}]", n)).ToList()
        : throw Error("expected a list (lines starting with '- ') here");

    public ScenarioNode? Get(string key) => Entries.Where(e => e.Key == key).Select(e => e.Value).FirstOrDefault();

    public ScenarioNode Required(string key) => Get(key) ?? throw Error($"'{key}' is missing");

    /// <summary>Refuses keys a section does not know, so a typo is reported instead of silently ignored.</summary>
    public ScenarioNode OnlyKeys(params string[] allowed)
    {
        foreach (var (key, value) in Entries)
        {
            if (!allowed.Contains(key))
            {
                throw value.Error($"unknown key '{key}'; expected one of: {string.Join(", ", allowed)}");
            }
        }

        return this;
    }

    public decimal Number() =>
        decimal.TryParse(Text.Replace(",", "", StringComparison.Ordinal), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"'{Text}' is not a number");

    public int WholeNumber() =>
        int.TryParse(Text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) ? value : throw Error($"'{Text}' is not a whole number");

    public bool Flag() => Text.ToLowerInvariant() switch
    {
        "true" or "yes" => true,
        "false" or "no" => false,
        _ => throw Error($"'{Text}' is not true or false"),
    };

    public DateOnly Date() =>
        DateOnly.TryParseExact(Text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? date
            : throw Error($"'{Text}' is not a date written yyyy-MM-dd");

    /// <summary>A scalar written as nothing (<c>key:</c>), <c>~</c> or <c>null</c>.</summary>
    public bool IsEmpty => _node is YamlScalarNode { Value: null or "" or "~" or "null" };

    private string Join(string key) => Path.Length == 0 ? key : $"{Path}.{key}";

    private string Key(YamlNode key) => key is YamlScalarNode { Value: { } k } ? k : throw new ScenarioFormatException(File, (int)key.Start.Line, $"{Path}: keys must be plain text");

    internal static ScenarioNode Root(string file, YamlNode node) => new(file, "", node);
}
