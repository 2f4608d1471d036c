using CaseLedger.Core;
using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Scenarios;

public sealed class when_reading_a_scenario_file
{
    private static ScenarioFormatException Refused(string yaml) =>
        Should.Throw<ScenarioFormatException>(() => ScenarioFile.Parse("topic.yaml", yaml));

    [Fact]
    public void a_well_formed_file_gives_its_scenarios_with_their_lines()
    {
        var file = ScenarioFile.Parse("votes.yaml", """
            topic: Counting
            kind: renovation-vote
            rule: renovation-vote@2
            scenarios:
              - name: first
                given: { spend: 1 }
                when: { close: at end }
                then: { outcome: passed }
              - name: second
                date: 2020-06-01
                given: { spend: 1 }
                when: { close: at end }
                then: { outcome: failed }
            """);

        file.Topic.ShouldBe("Counting");
        file.Scenarios.Select(s => s.Name).ShouldBe(["first", "second"]);
        file.Scenarios[0].Line.ShouldBe(5);
        file.Scenarios[0].Rule.ShouldBe("renovation-vote@2");
        file.Scenarios[1].RuleDate.ShouldBe(new DateOnly(2020, 6, 1));
        file.Scenarios[1].Kind.ShouldBe("renovation-vote");
    }

    [Fact]
    public void broken_yaml_names_the_file_and_line()
    {
        var error = Refused("""
            topic: Counting
            scenarios:
              - name: "first
                given: { spend: 1 }
            """);

        error.File.ShouldBe("topic.yaml");
        error.Line.ShouldBeInRange(3, 5);
        error.Problem.ShouldStartWith("not valid YAML");
    }

    [Fact]
    public void an_unknown_key_is_named_with_its_line_and_the_keys_allowed()
    {
        var error = Refused("""
            topic: Counting
            kind: renovation-vote
            scenarios:
              - name: first
                givne: { spend: 1 }
                when: { close: at end }
                then: { outcome: passed }
            """);

        error.Line.ShouldBe(5);
        error.Problem.ShouldContain("unknown key 'givne'");
        error.Problem.ShouldContain("given");
    }

    [Fact]
    public void a_missing_section_is_named()
    {
        var error = Refused("""
            topic: Counting
            kind: renovation-vote
            scenarios:
              - name: first
                given: { spend: 1 }
                then: { outcome: passed }
            """);

        error.Line.ShouldBe(4);
        error.Problem.ShouldContain("'when' is missing");
    }

    [Fact]
    public void a_rule_without_a_version_and_a_scenario_without_a_kind_are_refused()
    {
        Refused("""
            topic: t
            kind: renovation-vote
            rule: renovation-vote
            scenarios: []
            """).Problem.ShouldContain("id@version");
        Refused("""
            topic: t
            scenarios:
              - name: n
                given: {}
                when: {}
                then: {}
            """).Problem.ShouldContain("say which case kind");
    }

    [Fact]
    public void two_scenarios_with_one_name_are_refused_at_the_second()
    {
        var error = Refused("""
            topic: t
            kind: renovation-vote
            scenarios:
              - name: same
                given: {}
                when: {}
                then: {}
              - name: same
                given: {}
                when: {}
                then: {}
            """);

        error.Line.ShouldBe(8);
    }

    /// <summary>
    /// Nine levels of aliases, each a list of nine of the level below ("billion laughs"): about 500
    /// bytes standing for nine to the ninth (387 million) values, all in a scenario's given section.
    /// </summary>
    public static string NestedAliases(int levels = 9)
    {
        var anchors = Enumerable.Range(0, levels).Select(level => level == 0
            ? "l0: &l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"
            : $"l{level}: &l{level} [{string.Join(", ", Enumerable.Repeat($"*l{level - 1}", 9))}]");
        return $"""
            topic: Laughs
            kind: renovation-vote
            rule: renovation-vote@2
            scenarios:
              - name: laughs
                given:
            {string.Join('\n', anchors.Select(a => "      " + a))}
                when: {"{"} close: at end {"}"}
                then: {"{"} outcome: passed {"}"}
            """;
    }

    [Fact]
    public void a_file_whose_aliases_stand_for_billions_of_values_is_refused_while_it_is_read()
    {
        var error = Refused(NestedAliases());

        error.Problem.ShouldContain($"more than {InputLimits.ScenarioValues:N0} values once its aliases are expanded");
        // Levels l0 to l4 stand for about 75,000 values with their keys; l5 (line 12) would add almost 600,000.
        error.Line.ShouldBe(12);
    }

    [Fact]
    public void aliases_within_the_limit_read_as_if_the_values_were_written_out()
    {
        var file = ScenarioFile.Parse("votes.yaml", """
            topic: Counting
            kind: renovation-vote
            rule: renovation-vote@2
            scenarios:
              - name: first
                given: &spend { spend: 1 }
                when: &close { close: at end }
                then: { outcome: passed }
              - name: second
                given: *spend
                when: *close
                then: { outcome: failed }
            """);

        file.Scenarios[1].Given!.Required("spend").Text.ShouldBe("1");
        file.Scenarios[1].When.Required("close").Text.ShouldBe("at end");
        Should.NotThrow(() => ScenarioFile.Parse("laughs.yaml", NestedAliases(levels: 5)));
    }

    [Fact]
    public void lists_nested_deeper_than_the_limit_are_refused_before_they_are_built()
    {
        // Ten thousand levels would overflow the stack of a reader that recursed through them.
        var deep = $"topic: {new string('[', 10_000)}{new string(']', 10_000)}\nscenarios: []\n";

        var error = Refused(deep);

        error.Problem.ShouldContain($"nest more than {InputLimits.ScenarioNesting} levels deep");
        error.Line.ShouldBe(1);
    }

    [Fact]
    public void aliases_that_nest_deeper_than_the_limit_are_refused_too()
    {
        var chain = string.Join('\n', Enumerable.Range(0, 40).Select(level => level == 0 ? "  - &d0 [x]" : $"  - &d{level} [*d{level - 1}]"));

        Refused($"topic: t\nscenarios:\n{chain}\n").Problem.ShouldContain("levels deep here (aliases followed)");
    }

    [Theory]
    [InlineData("topic: &t [a, *t]", "stands inside the value it names")]
    [InlineData("topic: *t\nkind: &t k", "names no value anchored (&t) before it")]
    [InlineData("topic: &t a\nkind: &t k", "the anchor &t is given twice")]
    public void an_alias_that_would_loop_or_is_unclear_is_refused(string yaml, string problem) =>
        Refused(yaml + "\nscenarios: []\n").Problem.ShouldContain(problem);
}
