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
        Refusal("""{ "title": "t", "amount": "1", "colour": "Red", "inner": { "name": "n" } }""").ShouldStartWith("$.amount is not a valid value here");
        Refusal("""{ "title": "t", "title": "u", "amount": 1, "colour": "Red", "inner": { "name": "n" } }""").ShouldContain("names the same member twice");
    }

    [Fact]
    public void a_control_character_in_text_is_refused() =>
        Refusal("""{ "title": "a\u0000b", "amount": 1, "colour": "Red", "inner": { "name": "n" } }""").ShouldContain("$.title");
}
