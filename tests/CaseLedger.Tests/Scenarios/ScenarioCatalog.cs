using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Scenarios;

/// <summary>The repository's scenario files, rule files and the registered kinds, as the test suite sees them.</summary>
public static class ScenarioCatalog
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ScenariosFolder => Path.Combine(RepositoryRoot, "seeds", "scenarios");

    /// <summary>CaseLedger's kinds, from the one list the host registers.</summary>
    public static CaseKinds Kinds { get; } = StandardKinds.Create();

    /// <summary>The kinds' rule book plus every rule file in seeds/rules (proposed versions scenarios may name).</summary>
    public static RuleBook Rules { get; } = Kinds.RulesBuilder().AddFiles(Path.Combine(RepositoryRoot, "seeds", "rules")).Build();

    public static ScenarioRunner Runner { get; } = new(new ScenarioEngine(Kinds), Rules);

    public static IReadOnlyList<ScenarioFile> Files => ScenarioFile.LoadAll(ScenariosFolder);

    /// <summary>One kind's files, <c>seeds/scenarios/{kind}-*.yaml</c>, in name order.</summary>
    public static IReadOnlyList<ScenarioFile> FilesOf(string kind) =>
        Directory.GetFiles(ScenariosFolder, $"{kind}-*.yaml").Order(StringComparer.Ordinal).Select(ScenarioFile.Load).ToList();

    /// <summary>Runs the scenarios in memory, one after another, and keeps every result.</summary>
    public static async Task<IReadOnlyList<ScenarioResult>> RunAllAsync(ScenarioRunner runner, IEnumerable<Scenario> scenarios)
    {
        ArgumentNullException.ThrowIfNull(runner);
        var results = new List<ScenarioResult>();
        foreach (var scenario in scenarios)
        {
            results.Add(await runner.RunAsync(scenario));
        }

        return results;
    }

    /// <summary>Every scenario as (file name, scenario name), for theories.</summary>
    public static TheoryData<string, string> All()
    {
        var data = new TheoryData<string, string>();
        foreach (var file in Files)
        {
            foreach (var scenario in file.Scenarios)
            {
                data.Add(Path.GetFileName(file.Path), scenario.Name);
            }
        }

        return data;
    }

    public static Scenario Find(string file, string name) =>
        ScenarioFile.Load(Path.Combine(ScenariosFolder, file)).Scenarios.Single(s => s.Name == name);

    private static string FindRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "CaseLedger.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("The tests run outside the CaseLedger repository.");
    }
}
