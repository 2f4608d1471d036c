using CaseLedger.Cases.Certificates;
using CaseLedger.Cases.CoFunding;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using Marten;

namespace CaseLedger.Tests.Scenarios;

/// <summary>The repository's scenario files, rule files and drivers, as the test suite sees them.</summary>
public static class ScenarioCatalog
{
    public static string RepositoryRoot { get; } = FindRoot();

    public static string ScenariosFolder => Path.Combine(RepositoryRoot, "seeds", "scenarios");

    /// <summary>The default rule book plus every rule file in seeds/rules (proposed versions scenarios may name).</summary>
    public static RuleBook Rules { get; } = new RuleBook.Builder().AddDefault().AddFiles(Path.Combine(RepositoryRoot, "seeds", "rules")).Build();

    public static IReadOnlyList<IScenarioDriver> Drivers { get; } = CreateDrivers();

    public static IReadOnlyList<ScenarioFile> Files => ScenarioFile.LoadAll(ScenariosFolder);

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

    private static List<IScenarioDriver> CreateDrivers()
    {
        var kinds = new CaseKinds();
        new StoreOptions().AddCaseLedger(kinds).AddRenovationVotes().AddCoFundingAwards().AddCertificateIssuance();
        return kinds.All.Select(k => k.ScenarioDriver).OfType<IScenarioDriver>().ToList();
    }

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
