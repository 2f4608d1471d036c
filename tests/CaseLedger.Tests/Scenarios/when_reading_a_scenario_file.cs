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
}
