using System.Text.RegularExpressions;
using CaseLedger.Hosting;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Architecture;

// The library is layered (docs/architecture.md): rules, then core, then audit, then scenarios; kinds
// use only rules and core; hosting and HTTP are the edge. These tests read the source, so a using
// directive or a fully qualified name that reaches the wrong way fails the build.
public partial class when_checking_the_layers
{
    /// <summary>What each folder of src/CaseLedger may use, besides itself.</summary>
    private static readonly Dictionary<string, string[]> Allowed = new()
    {
        ["Rules"] = [],
        ["Core"] = ["Rules"],
        ["Audit"] = ["Rules", "Core"],
        ["Scenarios"] = ["Rules", "Core", "Audit"],
        ["Cases"] = ["Rules", "Core"],
        ["Import"] = ["Rules", "Core", "Audit", "Scenarios"],
        ["Hosting"] = ["Rules", "Core", "Audit", "Scenarios", "Cases", "Import"],
        ["Http"] = ["Rules", "Core", "Audit", "Scenarios", "Cases", "Hosting", "Import"],
    };

    private static string Library => Path.Combine(Tests.Scenarios.ScenarioCatalog.RepositoryRoot, "src", "CaseLedger");

    [GeneratedRegex(@"\bCaseLedger\.(Rules|Core|Audit|Scenarios|Cases|Hosting|Http)\b")]
    private static partial Regex LayerReference();

    private static IEnumerable<(string File, string Layer, string Used)> References() =>
        from file in Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
        where !file.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
              && !file.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
        let layer = Path.GetRelativePath(Library, file).Split(Path.DirectorySeparatorChar)[0]
        from Match match in LayerReference().Matches(File.ReadAllText(file))
        let used = match.Groups[1].Value
        where used != layer
        select (Path.GetRelativePath(Library, file), layer, used);

    /// <summary>A source file without its comment lines: examples in documentation name kinds freely.</summary>
    private static string CodeOf(string file) =>
        string.Join('\n', File.ReadAllLines(file).Where(line => !line.TrimStart().StartsWith("//", StringComparison.Ordinal)));

    [Fact]
    public void every_source_file_is_in_a_known_layer()
    {
        Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Library, f))
            .Where(f => !f.StartsWith("obj", StringComparison.Ordinal) && !f.StartsWith("bin", StringComparison.Ordinal))
            .Select(f => f.Split(Path.DirectorySeparatorChar)[0])
            .Distinct()
            .ShouldAllBe(layer => Allowed.ContainsKey(layer));
    }

    [Fact]
    public void no_layer_uses_one_built_on_it()
    {
        var wrong = References()
            .Where(r => !Allowed[r.Layer].Contains(r.Used))
            .Select(r => $"{r.File} ({r.Layer}) uses {r.Used}")
            .Distinct()
            .ToList();

        wrong.ShouldBeEmpty();
    }

    [Fact]
    public void a_kind_uses_no_other_kind_but_the_ones_its_rules_refer_to()
    {
        // The co-funding rule refers to the renovation vote (a project spending the maintenance fund
        // needs a passed vote), so its folder may read the vote's read model; no other kind reads another.
        var allowed = new Dictionary<string, string[]> { ["CoFunding"] = ["RenovationVotes"] };
        var kinds = Directory.GetDirectories(Path.Combine(Library, "Cases")).Select(Path.GetFileName).OfType<string>().ToList();

        var wrong = (from kind in kinds
                     from file in Directory.EnumerateFiles(Path.Combine(Library, "Cases", kind), "*.cs")
                     let text = File.ReadAllText(file)
                     from other in kinds
                     where other != kind && text.Contains($"CaseLedger.Cases.{other}", StringComparison.Ordinal)
                           && !allowed.GetValueOrDefault(kind, []).Contains(other)
                     select $"{Path.GetFileName(file)} ({kind}) uses {other}").ToList();

        wrong.ShouldBeEmpty();
    }

    [Fact]
    public void outside_its_folder_a_kind_is_named_only_where_the_kinds_are_listed()
    {
        var kinds = StandardKinds.Create().All;
        var outside = from file in Directory.EnumerateFiles(Library, "*.cs", SearchOption.AllDirectories)
                      let relative = Path.GetRelativePath(Library, file)
                      where !relative.StartsWith("Cases", StringComparison.Ordinal) && !relative.StartsWith("obj", StringComparison.Ordinal)
                            && !relative.StartsWith("bin", StringComparison.Ordinal)
                            && relative != Path.Combine("Hosting", "StandardKinds.cs")
                      let text = CodeOf(file)
                      from kind in kinds
                      let folder = kind.GetType().Namespace!.Split('.')[^1]
                      where text.Contains(kind.Name, StringComparison.Ordinal) || text.Contains($"Cases.{folder}", StringComparison.Ordinal)
                            || text.Contains(kind.GetType().Name, StringComparison.Ordinal)
                      select $"{relative} names {kind.Name}";

        outside.ShouldBeEmpty();

        var hostFiles = Directory.EnumerateFiles(Path.Combine(Tests.Scenarios.ScenarioCatalog.RepositoryRoot, "src", "CaseLedger.Host"), "*.*", SearchOption.AllDirectories)
            .Where(f => (f.EndsWith(".cs", StringComparison.Ordinal) || f.EndsWith(".js", StringComparison.Ordinal) || f.EndsWith(".html", StringComparison.Ordinal))
                        && !f.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal)
                        && !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        (from file in hostFiles
         let text = CodeOf(file)
         from kind in kinds
         where text.Contains(kind.Name, StringComparison.Ordinal) || text.Contains(kind.GetType().Name, StringComparison.Ordinal)
         select $"{Path.GetFileName(file)} names {kind.Name}").ShouldBeEmpty();
    }
}

// Every registered kind is complete: what the generic parts read of it is declared.
public class when_checking_the_registered_kinds
{
    public static TheoryData<string> Kinds() => new(StandardKinds.Create().All.Select(k => k.Name));

    private static Core.CaseKind Kind(string name) => StandardKinds.Create().Named(name)!;

    [Theory]
    [MemberData(nameof(Kinds))]
    public void it_says_what_it_is_and_where_it_lives(string name)
    {
        var kind = Kind(name);

        kind.Label.ShouldNotBeNullOrWhiteSpace();
        kind.Title.ShouldNotBeNullOrWhiteSpace();
        kind.Route.ShouldMatch("^[a-z][a-z-]*$");
        kind.EventNames.Values.ShouldAllBe(n => n.EndsWith(".v1", StringComparison.Ordinal) || n.Contains(".v", StringComparison.Ordinal));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void it_declares_one_opening_command_and_how_each_decision_is_replayed(string name)
    {
        var kind = Kind(name);

        kind.Commands.Count(c => c.OpensCase).ShouldBe(1);
        kind.Commands.Where(c => !c.OpensCase).ShouldAllBe(c => c.Segment != null);
        kind.Commands.ShouldAllBe(c => c.ReplayedFrom.Count > 0);
        kind.Commands.SelectMany(c => c.ReplayedFrom).ShouldAllBe(e => kind.EventNames.ContainsKey(e));
    }

    [Theory]
    [MemberData(nameof(Kinds))]
    public void its_rule_document_describes_its_clauses_and_its_vocabulary_reads(string name)
    {
        var kind = Kind(name);
        var rules = StandardKinds.Create().DefaultRules();

        rules.ClausesOf(kind.RuleId).ShouldNotBeEmpty();
        rules.All.ShouldContain(v => v.Id == kind.RuleId && !v.Proposed);
        var words = Vocabulary.Of(kind);
        words.Steps.Values.Select(s => s.Command).Distinct().Count().ShouldBe(kind.Commands.Count);
        words.Facts.ShouldNotBeEmpty();
        words.WhatIfOutcome.ShouldNotBeNull();
    }
}
