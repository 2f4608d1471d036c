using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Hosting;
using CaseLedger.Rules;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.Tests.Rules;

// The rule book is data written by policy staff: a version that does not fit its rule's parameters
// must be refused loudly, naming the rule, rather than decide a case wrongly.
public class when_reading_the_rule_book
{
    private const string Id = RenovationVoteRules.RuleId;

    /// <summary>A one-version rule document for renovation-vote@9 with the given parameters (JSON members).</summary>
    private static string Document(string parameters, string version = "9", string effectiveFrom = "2030-01-01", bool proposed = false) => $$"""
        {
          "rules": {
            "renovation-vote": [
              {
                "version": "{{version}}",
                "title": "A version written for a test",
                "effectiveFrom": "{{effectiveFrom}}",
                "proposed": {{(proposed ? "true" : "false")}},
                "parameters": { {{parameters}} }
              }
            ]
          }
        }
        """;

    private const string CompleteParameters = """
        "participationByArea": "at least 2/3",
        "participationByHeadcount": "at least 2/3",
        "consentBasis": "participants",
        "consentByArea": "more than 3/4",
        "consentByHeadcount": "more than 3/4",
        "smallProjectLimit": 80000.00
        """;

    /// <summary>The rule book CaseLedger's kinds bring, each from the rule document in its folder.</summary>
    private static RuleBook Default => StandardKinds.Create().DefaultRules();

    private static RuleBook WithDefaultAnd(string document) =>
        StandardKinds.Create().RulesBuilder().AddJson(document, "test document").Build();

    [Fact]
    public void the_default_book_holds_the_old_rule_and_the_civil_code()
    {
        var oldRule = TheRulesIn(Default, "1");
        var civilCode = TheRulesIn(Default, "2");

        oldRule.ParticipationByArea.ShouldBeNull();
        oldRule.ParticipationByHeadcount.ShouldBeNull();
        oldRule.ConsentBasis.ShouldBe(ConsentBasis.AllOwners);
        oldRule.ConsentByArea.ShouldBe(Threshold.AtLeast(2, 3));
        oldRule.ConsentByHeadcount.ShouldBe(Threshold.AtLeast(2, 3));
        oldRule.Rule.ShouldBe(new RuleRef(Id, "1"));

        civilCode.ParticipationByArea.ShouldBe(Threshold.AtLeast(2, 3));
        civilCode.ParticipationByHeadcount.ShouldBe(Threshold.AtLeast(2, 3));
        civilCode.ConsentBasis.ShouldBe(ConsentBasis.Participants);
        civilCode.ConsentByArea.ShouldBe(Threshold.MoreThan(1, 2));
        civilCode.ConsentByHeadcount.ShouldBe(Threshold.MoreThan(1, 2));
        civilCode.Rule.ShouldBe(new RuleRef(Id, "2"));
        Default.Get(Id, "2").EffectiveFrom.ShouldBe(new DateOnly(2021, 1, 1));
    }

    [Fact]
    public void a_complete_version_is_read_into_the_typed_parameters()
    {
        var book = WithDefaultAnd(Document(CompleteParameters));

        var rules = TheRulesIn(book, "9");

        rules.ConsentByArea.ShouldBe(Threshold.MoreThan(3, 4));
        rules.SmallProjectLimit.ShouldBe(80_000.00m);
        rules.Rule.ShouldBe(new RuleRef(Id, "9"));
    }

    [Theory]
    [InlineData("at most 2/3")]
    [InlineData("two thirds")]
    [InlineData("at least 3/2")]
    public void a_bad_threshold_is_refused_naming_the_rule(string threshold)
    {
        var book = WithDefaultAnd(Document(CompleteParameters.Replace("more than 3/4", threshold, StringComparison.Ordinal)));

        var refused = Should.Throw<RuleBookException>(() => RuleBook.Parameters<RenovationVoteRules>(book.Get(Id, "9")));

        refused.Message.ShouldContain("renovation-vote@9");
    }

    [Fact]
    public void a_threshold_written_as_a_number_is_refused_naming_the_rule()
    {
        var book = WithDefaultAnd(Document(CompleteParameters.Replace("\"more than 3/4\"", "0.75", StringComparison.Ordinal)));

        Should.Throw<RuleBookException>(() => RuleBook.Parameters<RenovationVoteRules>(book.Get(Id, "9")))
            .Message.ShouldContain("renovation-vote@9");
    }

    [Theory]
    [InlineData("consentBasis")]
    [InlineData("consentByArea")]
    [InlineData("consentByHeadcount")]
    [InlineData("smallProjectLimit")]
    public void a_missing_required_parameter_is_refused_naming_the_rule(string parameter)
    {
        var parameters = string.Join(",\n", CompleteParameters.Split(",\n").Where(line => !line.Contains($"\"{parameter}\"", StringComparison.Ordinal)));
        parameters.ShouldNotContain(parameter);
        var book = WithDefaultAnd(Document(parameters));

        var refused = Should.Throw<RuleBookException>(() => RuleBook.Parameters<RenovationVoteRules>(book.Get(Id, "9")));

        refused.Message.ShouldContain("renovation-vote@9");
    }

    [Theory]
    [InlineData("consentByArea")]
    [InlineData("consentByHeadcount")]
    public void a_required_threshold_written_as_null_is_refused_naming_the_rule(string parameter)
    {
        // A rule author blanking a threshold out must not produce rules that throw in the middle of a count.
        var parameters = CompleteParameters.Replace($"\"{parameter}\": \"more than 3/4\"", $"\"{parameter}\": null", StringComparison.Ordinal);
        parameters.ShouldContain("null");
        var book = WithDefaultAnd(Document(parameters));

        var refused = Should.Throw<RuleBookException>(() => RuleBook.Parameters<RenovationVoteRules>(book.Get(Id, "9")));

        refused.Message.ShouldContain("renovation-vote@9");
    }

    [Fact]
    public void an_optional_quorum_may_be_left_out()
    {
        var parameters = string.Join(",\n", CompleteParameters.Split(",\n").Where(line => !line.Contains("participation", StringComparison.Ordinal)));

        var rules = TheRulesIn(WithDefaultAnd(Document(parameters)), "9");

        rules.ParticipationByArea.ShouldBeNull();
        rules.ParticipationByHeadcount.ShouldBeNull();
    }

    [Fact]
    public void a_misspelt_parameter_is_refused_naming_the_rule()
    {
        var book = WithDefaultAnd(Document(CompleteParameters + ",\n\"smallProjectLimt\": 1000"));

        Should.Throw<RuleBookException>(() => RuleBook.Parameters<RenovationVoteRules>(book.Get(Id, "9")))
            .Message.ShouldContain("renovation-vote@9");
    }

    [Fact]
    public void a_later_document_with_the_same_id_and_version_overrides_the_default()
    {
        var book = WithDefaultAnd(Document(CompleteParameters, version: "2", effectiveFrom: "2021-01-01"));

        TheRulesIn(book, "2").SmallProjectLimit.ShouldBe(80_000.00m);
        TheRulesIn(book, "2").ConsentByArea.ShouldBe(Threshold.MoreThan(3, 4));
        TheRulesIn(book, "1").ShouldBe(TheRulesIn(Default, "1"));
        book.All.Count(v => v.Id == Id && v.Version == "2").ShouldBe(1);
    }

    [Fact]
    public void a_new_version_is_in_force_from_its_effective_date()
    {
        var book = WithDefaultAnd(Document(CompleteParameters, effectiveFrom: "2030-01-01"));

        book.InForce(Id, new DateOnly(2029, 12, 31)).Version.ShouldBe("2");
        book.InForce(Id, new DateOnly(2030, 1, 1)).Version.ShouldBe("9");
    }

    [Fact]
    public void a_proposed_version_is_never_in_force()
    {
        var book = WithDefaultAnd(Document(CompleteParameters, effectiveFrom: "2030-01-01", proposed: true));

        book.InForce(Id, new DateOnly(2030, 1, 1)).Version.ShouldBe("2");
        book.InForce<RenovationVoteRules>(Id, new DateTimeOffset(2099, 6, 1, 0, 0, 0, TimeSpan.Zero)).Rule.Version.ShouldBe("2");
    }

    [Fact]
    public void a_proposed_version_can_still_be_named_for_a_what_if_run()
    {
        var book = WithDefaultAnd(Document(CompleteParameters, effectiveFrom: "2030-01-01", proposed: true));

        var proposed = book.Get(Id, "9");

        proposed.Proposed.ShouldBeTrue();
        TheRulesIn(book, "9").ConsentByArea.ShouldBe(Threshold.MoreThan(3, 4));
    }

    [Fact]
    public void an_unknown_version_or_rule_is_not_found()
    {
        Should.Throw<RuleNotFoundException>(() => Default.Get(Id, "7"));
        Should.Throw<RuleNotFoundException>(() => Default.Get("no-such-rule", "1"));
    }

    [Fact]
    public void no_version_is_in_force_before_the_first_takes_effect()
    {
        var book = new RuleBook.Builder().AddDefault().AddJson(Document(CompleteParameters, effectiveFrom: "2030-01-01"), "test document").Build();

        Should.Throw<RuleNotFoundException>(() => book.InForce(Id, new DateOnly(2029, 12, 31)));
    }

    [Fact]
    public void a_document_that_is_not_json_is_refused_naming_its_source()
    {
        Should.Throw<RuleBookException>(() => new RuleBook.Builder().AddJson("{ not json", "rules/changsha.json"))
            .Message.ShouldContain("rules/changsha.json");
    }

    [Fact]
    public void a_proposed_flag_that_is_not_true_or_false_is_refused_naming_the_source()
    {
        var document = Document(CompleteParameters).Replace("\"proposed\": false", "\"proposed\": \"yes\"", StringComparison.Ordinal);
        document.ShouldContain("\"yes\"");

        Should.Throw<RuleBookException>(() => new RuleBook.Builder().AddJson(document, "rules/changsha.json"))
            .Message.ShouldContain("rules/changsha.json");
    }

    [Fact]
    public void a_time_zone_written_without_minutes_is_read_as_hours_or_refused()
    {
        // "+8" is how many people write China's offset. Either it means eight hours, or the document is
        // refused when read; it must not be taken as eight days and blow up when a vote is opened.
        var document = """{ "timeZone": "+8" }""";

        RuleBook book;
        try
        {
            book = new RuleBook.Builder().AddDefault().AddJson(document, "rules/changsha.json").Build();
        }
        catch (RuleBookException)
        {
            return;
        }

        book.UtcOffset.ShouldBe(TimeSpan.FromHours(8));
    }

    [Fact]
    public void a_configuration_section_overrides_a_version_with_text_values()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["CaseLedger:Rules:rules:renovation-vote:0:version"] = "2",
                ["CaseLedger:Rules:rules:renovation-vote:0:effectiveFrom"] = "2021-01-01",
                ["CaseLedger:Rules:rules:renovation-vote:0:parameters:participationByArea"] = "at least 2/3",
                ["CaseLedger:Rules:rules:renovation-vote:0:parameters:participationByHeadcount"] = "at least 2/3",
                ["CaseLedger:Rules:rules:renovation-vote:0:parameters:consentBasis"] = "participants",
                ["CaseLedger:Rules:rules:renovation-vote:0:parameters:consentByArea"] = "more than 1/2",
                ["CaseLedger:Rules:rules:renovation-vote:0:parameters:consentByHeadcount"] = "more than 1/2",
                ["CaseLedger:Rules:rules:renovation-vote:0:parameters:smallProjectLimit"] = "60000.00",
                ["CaseLedger:Rules:rules:renovation-vote:1:version"] = "3",
                ["CaseLedger:Rules:rules:renovation-vote:1:effectiveFrom"] = "2026-01-01",
                ["CaseLedger:Rules:rules:renovation-vote:1:proposed"] = "true",
                ["CaseLedger:Rules:rules:renovation-vote:1:parameters:consentBasis"] = "all-owners",
                ["CaseLedger:Rules:rules:renovation-vote:1:parameters:consentByArea"] = "at least 3/4",
                ["CaseLedger:Rules:rules:renovation-vote:1:parameters:consentByHeadcount"] = "at least 3/4",
                ["CaseLedger:Rules:rules:renovation-vote:1:parameters:smallProjectLimit"] = "50000",
            })
            .Build();

        var book = StandardKinds.Create().RulesFrom(configuration);

        TheRulesIn(book, "2").SmallProjectLimit.ShouldBe(60_000.00m);
        TheRulesIn(book, "3").ConsentByArea.ShouldBe(Threshold.AtLeast(3, 4));
        book.InForce(Id, new DateOnly(2027, 1, 1)).Version.ShouldBe("2");
        TheRulesIn(book, "1").ShouldBe(TheRulesIn(Default, "1"));
    }

    private static RenovationVoteRules TheRulesIn(RuleBook book, string version) => book.Get<RenovationVoteRules>(Id, version);
}
