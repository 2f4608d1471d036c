namespace CaseLedger.Scenarios;

/// <summary>
/// One scenario: given a case history (none when the when step opens the case), when something
/// happens, then this is expected. Its steps are read in the words of its kind's vocabulary.
/// </summary>
public sealed record Scenario(
    string File,
    int Line,
    string Name,
    string Kind,
    string? Rule,
    DateOnly? RuleDate,
    ScenarioNode? Given,
    ScenarioNode When,
    ScenarioNode Then)
{
    public override string ToString() => $"{System.IO.Path.GetFileName(File)}:{Line} {Name}";
}

/// <summary>A file of scenarios about one rule topic.</summary>
public sealed record ScenarioFile(string Path, string Topic, IReadOnlyList<Scenario> Scenarios)
{
    /// <summary>Reads a scenario file; a malformed one is a <see cref="ScenarioFormatException"/> naming the line.</summary>
    public static ScenarioFile Load(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string text;
        try
        {
            text = System.IO.File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ScenarioFormatException(path, 0, $"cannot be read: {e.Message}");
        }

        return Parse(path, text);
    }

    /// <summary>
    /// Reads a scenario file's text; a malformed one, or one over the limits of
    /// <see cref="ScenarioYaml"/>, is a <see cref="ScenarioFormatException"/> naming the line.
    /// </summary>
    public static ScenarioFile Parse(string path, string text)
    {
        var stream = ScenarioYaml.Load(path, text);
        if (stream.Documents.Count != 1)
        {
            throw new ScenarioFormatException(path, 1, "a scenario file holds exactly one YAML document");
        }

        var root = ScenarioNode.Root(path, stream.Documents[0].RootNode).OnlyKeys("topic", "kind", "rule", "date", "scenarios");
        var topic = root.Required("topic").Text;
        var kind = root.Get("kind")?.Text;
        var fileRule = root.Get("rule")?.Text;
        if (fileRule is not null && !fileRule.Contains('@', StringComparison.Ordinal))
        {
            throw root.Required("rule").Error($"a rule is written id@version, e.g. some-rule@2, not '{fileRule}'");
        }

        var fileDate = root.Get("date")?.Date();
        var scenarios = root.Required("scenarios").Items.Select(item =>
        {
            item.OnlyKeys("name", "kind", "rule", "date", "given", "when", "then");
            var scenarioKind = item.Get("kind")?.Text ?? kind ?? throw item.Error("say which case kind this is: 'kind' here or at the top of the file");
            var rule = item.Get("rule")?.Text ?? fileRule;
            var date = item.Get("date")?.Date() ?? fileDate;
            if (rule is not null && !rule.Contains('@', StringComparison.Ordinal))
            {
                throw (item.Get("rule") ?? root.Required("rule")).Error($"a rule is written id@version, e.g. some-rule@2, not '{rule}'");
            }

            return new Scenario(path, item.Line, item.Required("name").Text, scenarioKind, rule, date,
                item.Get("given"), item.Required("when"), item.Required("then"));
        }).ToList();
        var duplicate = scenarios.GroupBy(s => s.Name).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ScenarioFormatException(path, duplicate.Skip(1).First().Line, $"two scenarios are named '{duplicate.Key}'");
        }

        return new ScenarioFile(path, topic, scenarios);
    }

    /// <summary>Every scenario file under a folder (or the one file named).</summary>
    public static IReadOnlyList<ScenarioFile> LoadAll(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (System.IO.File.Exists(path))
        {
            return [Load(path)];
        }

        if (!Directory.Exists(path))
        {
            throw new ScenarioFormatException(path, 0, "no such file or folder");
        }

        return Directory.EnumerateFiles(path, "*.yaml", SearchOption.AllDirectories)
            .Concat(Directory.EnumerateFiles(path, "*.yml", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal)
            .Select(Load)
            .ToList();
    }
}
