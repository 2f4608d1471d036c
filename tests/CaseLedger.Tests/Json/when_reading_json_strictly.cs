using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using CaseLedger.Core;

namespace CaseLedger.Tests.Json;

// What CaseLedger reads from outside (request bodies, seed files, scenario steps) is read strictly, and
// what is wrong is said in the caller's words: the member's path, never a .NET type name.
public sealed class when_reading_json_strictly
{
    private enum Colour
    {
        Red,
        Green,
    }

    private sealed record Inner(string Name);

    private sealed record Body(string Title, decimal Amount, Colour Colour, Inner Inner, string? Note = null);

    private sealed record Limited([property: MaxLength(5)] string Code, [property: MaxLength(2)] IReadOnlyList<Inner> Items, string Free);

    private sealed record Dated(DateTimeOffset At, DateOnly On);

    private sealed record Lists(IReadOnlyList<string> Names, IReadOnlyList<Inner> Inners, IReadOnlyList<string?> Maybe);

    private static string LimitedRefusal(string json)
    {
        var error = Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Limited>(json, CaseJson.Strict));
        return CaseJson.Describe(error);
    }

    private static string DatedRefusal(string json) =>
        CaseJson.Describe(Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Dated>(json, CaseJson.Strict)));

    private static string Refusal(string json)
    {
        var error = Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Body>(json, CaseJson.Strict));
        var said = CaseJson.Describe(error);
        said.ShouldNotContain("CaseLedger.");
        said.ShouldNotContain("System.");
        return said;
    }

    [Fact]
    public void enum_names_are_read_in_any_case()
    {
        JsonSerializer.Deserialize<Body>("""{ "title": "t", "amount": 1, "colour": "green", "inner": { "name": "n" } }""", CaseJson.Strict)!
            .Colour.ShouldBe(Colour.Green);
    }

    [Fact]
    public void a_well_formed_body_is_read()
    {
        var body = JsonSerializer.Deserialize<Body>("""{ "title": "t", "amount": 1.25, "colour": "Green", "inner": { "name": "n" } }""", CaseJson.Strict);

        body.ShouldBe(new Body("t", 1.25m, Colour.Green, new Inner("n")));
    }

    [Fact]
    public void a_missing_member_is_named() =>
        Refusal("""{ "title": "t", "colour": "Red", "inner": { "name": "n" } }""").ShouldBe("the body is missing required members: 'amount'.");

    [Fact]
    public void an_unknown_member_is_named() =>
        Refusal("""{ "title": "t", "amount": 1, "colour": "Red", "inner": { "name": "n", "nmae": "x" } }""").ShouldBe("$.inner has no member 'nmae'.");

    [Fact]
    public void a_null_where_none_is_allowed_is_refused() =>
        Refusal("""{ "title": null, "amount": 1, "colour": "Red", "inner": { "name": "n" } }""").ShouldBe("$.title may not be null.");

    [Fact]
    public void an_enum_given_as_a_number_or_a_list_of_names_is_refused()
    {
        Refusal("""{ "title": "t", "amount": 1, "colour": 1, "inner": { "name": "n" } }""").ShouldBe("$.colour: expected one of: Red, Green");
        Refusal("""{ "title": "t", "amount": 1, "colour": "Red, Green", "inner": { "name": "n" } }""").ShouldBe("$.colour: expected one of: Red, Green");
        Refusal("""{ "title": "t", "amount": 1, "colour": "Blue", "inner": { "name": "n" } }""").ShouldBe("$.colour: expected one of: Red, Green");
    }

    [Fact]
    public void a_number_given_as_text_and_a_repeated_member_are_refused()
    {
        Refusal("""{ "title": "t", "amount": "1", "colour": "Red", "inner": { "name": "n" } }""").ShouldStartWith("$.amount: expected a number");
        Refusal("""{ "title": "t", "title": "u", "amount": 1, "colour": "Red", "inner": { "name": "n" } }""").ShouldContain("names the same member twice");
    }

    [Fact]
    public void a_control_character_in_text_is_refused() =>
        Refusal("""{ "title": "a\u0000b", "amount": 1, "colour": "Red", "inner": { "name": "n" } }""").ShouldContain("$.title");

    [Fact]
    public void text_longer_than_its_member_allows_is_refused_by_its_path() =>
        LimitedRefusal("""{ "code": "abcdef", "items": [], "free": "x" }""").ShouldBe("$.code: text is at most 5 characters long");

    [Fact]
    public void text_at_its_member_s_limit_is_read()
    {
        var read = JsonSerializer.Deserialize<Limited>("""{ "code": "abcde", "items": [{ "name": "a" }, { "name": "b" }], "free": "x" }""", CaseJson.Strict)!;

        read.Code.ShouldBe("abcde");
        read.Items.Count.ShouldBe(2);
    }

    [Fact]
    public void text_written_as_escapes_is_held_to_its_limit_in_characters()
    {
        JsonSerializer.Deserialize<Limited>($$"""{ "code": "{{string.Concat(Enumerable.Repeat("\\u0041", 5))}}", "items": [], "free": "x" }""", CaseJson.Strict)!
            .Code.ShouldBe("AAAAA");
        LimitedRefusal($$"""{ "code": "{{string.Concat(Enumerable.Repeat("\\u0041", 6))}}", "items": [], "free": "x" }""")
            .ShouldBe("$.code: text is at most 5 characters long");
    }

    [Fact]
    public void text_of_a_member_without_a_limit_of_its_own_is_held_to_the_general_one()
    {
        LimitedRefusal($$"""{ "code": "a", "items": [], "free": "{{new string('x', InputLimits.Text + 1)}}" }""")
            .ShouldBe($"$.free: text is at most {InputLimits.Text} characters long");
        JsonSerializer.Deserialize<Limited>($$"""{ "code": "a", "items": [], "free": "{{new string('x', InputLimits.Text)}}" }""", CaseJson.Strict)!
            .Free.Length.ShouldBe(InputLimits.Text);
    }

    [Fact]
    public void a_list_longer_than_its_member_allows_is_refused_by_name() =>
        LimitedRefusal("""{ "code": "a", "items": [{ "name": "a" }, { "name": "b" }, { "name": "c" }], "free": "x" }""")
            .ShouldBe("the body: items holds at most 2 entries, not 3");

    [Fact]
    public void a_null_entry_in_a_list_of_values_that_may_not_be_null_is_refused()
    {
        CaseJson.Describe(Should.Throw<JsonException>(() =>
                JsonSerializer.Deserialize<Lists>("""{ "names": ["a", null], "inners": [], "maybe": [] }""", CaseJson.Strict)))
            .ShouldBe("the body: names may not hold null entries");
        CaseJson.Describe(Should.Throw<JsonException>(() =>
                JsonSerializer.Deserialize<Lists>("""{ "names": [], "inners": [{ "name": "n" }, null], "maybe": [] }""", CaseJson.Strict)))
            .ShouldBe("the body: inners may not hold null entries");
        JsonSerializer.Deserialize<Lists>("""{ "names": ["a"], "inners": [], "maybe": [null, "b"] }""", CaseJson.Strict)!.Maybe.ShouldBe([null, "b"]);
    }

    [Theory]
    [InlineData("1e400")]
    [InlineData("1000000000000.01")]
    [InlineData("-1000000000001")]
    [InlineData("79228162514264337593543950335")]
    public void a_number_beyond_the_largest_amount_is_refused(string number) =>
        Refusal($$"""{ "title": "t", "amount": {{number}}, "colour": "Red", "inner": { "name": "n" } }""").ShouldStartWith("$.amount: expected a number, no larger than");

    [Fact]
    public void the_largest_amount_is_read() =>
        JsonSerializer.Deserialize<Body>("""{ "title": "t", "amount": -1000000000000, "colour": "Red", "inner": { "name": "n" } }""", CaseJson.Strict)!
            .Amount.ShouldBe(-InputLimits.Number);

    [Theory]
    [InlineData("""{ "at": "2024-04-08T09:00:00", "on": "2024-04-08" }""", "$.at")]
    [InlineData("""{ "at": "0001-01-01T00:00:00Z", "on": "2024-04-08" }""", "$.at")]
    [InlineData("""{ "at": "9999-12-31T23:59:59-14:00", "on": "2024-04-08" }""", "$.at")]
    [InlineData("""{ "at": "04/08/2024 09:00 +08:00", "on": "2024-04-08" }""", "$.at")]
    [InlineData("""{ "at": 1712538000, "on": "2024-04-08" }""", "$.at")]
    [InlineData("""{ "at": "2024-04-08T09:00:00+08:00", "on": "1899-12-31" }""", "$.on")]
    [InlineData("""{ "at": "2024-04-08T09:00:00+08:00", "on": "2024-4-8" }""", "$.on")]
    public void a_time_without_an_offset_in_another_format_or_an_implausible_year_is_refused(string json, string path) =>
        DatedRefusal(json).ShouldStartWith($"{path}: expected a");

    [Fact]
    public void times_with_their_offset_and_calendar_dates_are_read()
    {
        var read = JsonSerializer.Deserialize<Dated>("""{ "at": "2024-04-08T09:00:00.125+08:00", "on": "2024-04-08" }""", CaseJson.Strict)!;
        var utc = JsonSerializer.Deserialize<Dated>("""{ "at": "2024-04-08T01:00Z", "on": "2199-12-31" }""", CaseJson.Strict)!;

        read.At.ShouldBe(new DateTimeOffset(2024, 4, 8, 9, 0, 0, 125, TimeSpan.FromHours(8)));
        read.On.ShouldBe(new DateOnly(2024, 4, 8));
        utc.At.ShouldBe(new DateTimeOffset(2024, 4, 8, 1, 0, 0, TimeSpan.Zero));
    }

    [Theory]
    [InlineData("""{ "title": "\ud800", "amount": 1, "colour": "Red", "inner": { "name": "n" } }""")]
    [InlineData("""{ "title": "t", "amount": NaN, "colour": "Red", "inner": { "name": "n" } }""")]
    [InlineData("""{ "title": "t", "amount": 1, "colour": "Red", "inner": { "name": "n" }""")]
    [InlineData("""[{ "title": "t" }]""")]
    [InlineData("""{ "title": "t", "amount": 1, "colour": null, "inner": { "name": "n" } }""")]
    public void broken_text_broken_json_and_the_wrong_shape_are_refused_in_words(string json) => Refusal(json).ShouldNotBeNullOrWhiteSpace();

    [Fact]
    public void bytes_that_are_not_utf_8_are_refused()
    {
        var bytes = "{ \"title\": \"x\", \"amount\": 1, \"colour\": \"Red\", \"inner\": { \"name\": \"n\" } }"u8.ToArray();
        bytes[12] = 0xFF;

        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<Body>(bytes, CaseJson.Strict));
    }
}
