using CaseLedger.Core;
using CaseLedger.Http;
using Microsoft.Extensions.Primitives;

namespace CaseLedger.Tests.Http;

// The pure readers of the HTTP edge: the version in If-Match, the query string's limits, times
// given in ISO 8601, and one line of printable text (ids, keys, header values).
public sealed class when_reading_what_a_request_says
{
    [Theory]
    [InlineData("\"7\"", 7L)]
    [InlineData(" \"0\" ", 0L)]
    [InlineData("\"9223372036854775807\"", long.MaxValue)]
    public void a_strong_entity_tag_of_a_version_is_read(string header, long version)
    {
        CaseHttp.TryReadVersionTag(new StringValues(header), out var read).ShouldBeTrue();
        read.ShouldBe(version);
    }

    [Fact]
    public void no_if_match_is_no_precondition()
    {
        CaseHttp.TryReadVersionTag(StringValues.Empty, out var read).ShouldBeTrue();
        read.ShouldBeNull();
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("-1")]
    [InlineData("7")]
    [InlineData("*")]
    [InlineData("W/\"3\"")]
    [InlineData("\"3\", \"4\"")]
    [InlineData("\"\"")]
    [InlineData("\"-1\"")]
    [InlineData("\"+1\"")]
    [InlineData("\"1.5\"")]
    [InlineData("\"1e3\"")]
    [InlineData("\"3")]
    [InlineData("\"9223372036854775808\"")]
    [InlineData("\"99999999999999999999\"")]
    [InlineData("\"٣\"")]
    public void anything_but_one_strong_tag_of_a_version_is_not_read(string header) =>
        CaseHttp.TryReadVersionTag(new StringValues(header), out _).ShouldBeFalse();

    [Fact]
    public void if_match_sent_twice_is_not_read() =>
        CaseHttp.TryReadVersionTag(new StringValues(["\"3\"", "\"3\""]), out _).ShouldBeFalse();

    private static string? Query(params (string Name, string[] Values)[] query) =>
        RequestChecks.QueryProblem(query.Select(q => new KeyValuePair<string, StringValues>(q.Name, new StringValues(q.Values))));

    [Fact]
    public void a_query_of_plain_short_values_passes() =>
        Query(("district", ["a", "b"]), ("actor", [new string('x', InputLimits.QueryValue)]), ("empty", [""])).ShouldBeNull();

    [Theory]
    [InlineData("a\u0000b")]
    [InlineData("\u0007")]
    [InlineData("tab\there")]
    [InlineData("line\nfeed")]
    public void a_query_value_with_a_control_character_is_refused(string value) =>
        Query(("actor", [value])).ShouldBe("The query parameter 'actor' is one line of printable text, at most 200 characters.");

    [Fact]
    public void a_query_value_or_text_with_half_a_surrogate_pair_is_refused()
    {
        // Built here, not given as theory data: the test runner would replace half a pair on the way.
        var broken = new string(['a', (char)0xD800]);
        var lowFirst = new string([(char)0xDC00, 'x']);

        Query(("actor", [broken])).ShouldNotBeNull();
        InputLimits.IsOneLine(broken).ShouldBeFalse();
        InputLimits.IsOneLine(lowFirst).ShouldBeFalse();
        InputLimits.IsOneLine("\ud83c\udfe0").ShouldBeTrue();
    }

    [Fact]
    public void a_query_value_or_name_too_long_is_refused()
    {
        Query(("actor", [new string('x', InputLimits.QueryValue + 1)])).ShouldNotBeNull();
        Query((new string('n', InputLimits.QueryValue + 1), ["1"])).ShouldNotBeNull();
        Query(("a\u0000", ["1"])).ShouldNotBeNull();
    }

    [Fact]
    public void a_query_of_too_many_values_is_refused()
    {
        Query(("district", Enumerable.Repeat("a", InputLimits.QueryValues).ToArray())).ShouldBeNull();
        Query(("district", Enumerable.Repeat("a", InputLimits.QueryValues).ToArray()), ("actor", ["b"]))
            .ShouldBe($"A query string carries at most {InputLimits.QueryValues} values.");
    }

    [Theory]
    [InlineData("2024-04-08T09:00:00+08:00", "2024-04-08T01:00:00Z")]
    [InlineData("2024-04-08T09:00+08:00", "2024-04-08T01:00:00Z")]
    [InlineData("2024-04-08T01:00:00Z", "2024-04-08T01:00:00Z")]
    [InlineData("2024-04-08T01:00:00.1234567Z", "2024-04-08T01:00:00.1234567Z")]
    [InlineData("1900-01-01T00:00:00Z", "1900-01-01T00:00:00Z")]
    public void a_time_in_iso_8601_with_its_offset_is_read(string text, string utc)
    {
        CaseJson.TryReadTime(text, out var time).ShouldBeTrue();
        time.ShouldBe(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("2024-04-08T09:00:00")]
    [InlineData("2024-04-08")]
    [InlineData("yesterday")]
    [InlineData("04/08/2024 09:00 +08:00")]
    [InlineData("2024-04-08 09:00:00+08:00")]
    [InlineData("0001-01-01T00:00:00Z")]
    [InlineData("1899-12-31T23:59:59Z")]
    [InlineData("2200-01-01T00:00:00Z")]
    [InlineData("2199-12-31T23:00:00-14:00")]
    [InlineData("9999-12-31T23:59:59-14:00")]
    [InlineData("2024-04-08T09:00:00+15:00")]
    [InlineData("2024-02-30T09:00:00Z")]
    [InlineData("")]
    public void a_time_without_its_offset_in_another_form_or_out_of_range_is_not_read(string text) =>
        CaseJson.TryReadTime(text, out _).ShouldBeFalse();

    [Theory]
    [InlineData("clerk-yuelu-017", true)]
    [InlineData("刘文静", true)]
    [InlineData("a b, c", true)]
    [InlineData("a\tb", false)]
    [InlineData("a\nb", false)]
    [InlineData("\u007f", false)]
    [InlineData("\u0085", false)]
    public void one_line_of_printable_text_has_no_control_character_at_all(string text, bool oneLine) =>
        InputLimits.IsOneLine(text).ShouldBe(oneLine);

    [Theory]
    [InlineData(404, "route.not_found")]
    [InlineData(405, "request.method_not_allowed")]
    [InlineData(413, "request.too_large")]
    [InlineData(415, "request.content_type")]
    [InlineData(500, "server.error")]
    [InlineData(418, "http.418")]
    public void a_problem_the_framework_answers_by_itself_gets_a_stable_code(int status, string code) =>
        CaseLedgerProblems.CodeOf(status).ShouldBe(code);
}
