using CaseLedger.Scenarios;

namespace CaseLedger.Tests.Scenarios;

/// <summary>
/// A scenario written inline in a test: a file of one scenario whose sections are written as in a
/// scenario file, so the engine reads it, and reports its lines, exactly as it would a rule author's.
/// </summary>
internal static class InlineScenario
{
    /// <summary>The line of the file on which the given section's first line stands.</summary>
    public const int GivenLine = 7;

    /// <summary>One scenario of <paramref name="kind"/> in a file named <paramref name="path"/>; given, when and then are indented under their keys.</summary>
    public static Scenario One(string path, string kind, string rule, string given, string when, string then) =>
        ScenarioFile.Parse(path, $"""
            topic: Inline
            kind: {kind}
            {rule}
            scenarios:
              - name: Inline scenario
                given:
            {Indent(given)}
                when:
            {Indent(when)}
                then:
            {Indent(then)}
            """).Scenarios.Single();

    private static string Indent(string text) => string.Join('\n', text.Split('\n').Select(line => "      " + line));
}
