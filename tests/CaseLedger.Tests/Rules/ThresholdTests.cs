using CaseLedger.Rules;

namespace CaseLedger.Tests.Rules;

// Thresholds are written the way the law reads and compared in exact arithmetic.
public class when_reading_a_threshold
{
    [Fact]
    public void at_least_two_thirds_includes_the_exact_fraction()
    {
        var threshold = Threshold.Parse("at least 2/3");

        threshold.ShouldBe(Threshold.AtLeast(2, 3));
        threshold.Comparison.ShouldBe(ThresholdComparison.AtLeast);
    }

    [Fact]
    public void more_than_one_half_excludes_the_exact_fraction()
    {
        var threshold = Threshold.Parse("more than 1/2");

        threshold.ShouldBe(Threshold.MoreThan(1, 2));
        threshold.Comparison.ShouldBe(ThresholdComparison.MoreThan);
    }

    [Theory]
    [InlineData("  At Least 3 / 4 ")]
    [InlineData("AT LEAST 3/4")]
    public void case_and_spacing_do_not_matter(string text)
    {
        Threshold.Parse(text).ShouldBe(Threshold.AtLeast(3, 4));
    }

    [Theory]
    [InlineData("at least 2/3")]
    [InlineData("more than 1/2")]
    [InlineData("more than 3/4")]
    public void a_threshold_reads_back_as_it_was_written(string text)
    {
        Threshold.Parse(text).ToString().ShouldBe(text);
    }

    [Theory]
    [InlineData("")]
    [InlineData("two thirds")]
    [InlineData("2/3")]
    [InlineData("at most 2/3")]
    [InlineData("at least")]
    [InlineData("at least 2")]
    [InlineData("at least 2/3/4")]
    [InlineData("at least 2/0")]
    [InlineData("at least 3/2")]
    [InlineData("at least -1/2")]
    [InlineData("at least +1/2")]
    [InlineData("at least 1.5/2")]
    [InlineData("at least a/b")]
    [InlineData("more than 1/99999999999")]
    public void anything_else_is_not_a_threshold(string text)
    {
        Should.Throw<FormatException>(() => Threshold.Parse(text));
    }

    [Fact]
    public void a_threshold_is_stored_as_the_words_of_the_rule()
    {
        var json = System.Text.Json.JsonSerializer.Serialize(Threshold.MoreThan(1, 2));

        json.ShouldBe("\"more than 1/2\"");
        System.Text.Json.JsonSerializer.Deserialize<Threshold>(json).ShouldBe(Threshold.MoreThan(1, 2));
    }
}

public class when_comparing_a_share_with_a_threshold
{
    private static readonly Threshold TwoThirds = Threshold.AtLeast(2, 3);
    private static readonly Threshold OverHalf = Threshold.MoreThan(1, 2);

    [Theory]
    // 2/3 of 2000.01 m² is exactly 1333.34 m².
    [InlineData("1333.34", "2000.01", true)]
    [InlineData("1333.33", "2000.01", false)]
    // 2/3 of 1000.01 m² is 666.67333...: 666.68 clears it, 666.67 does not.
    [InlineData("666.68", "1000.01", true)]
    [InlineData("666.67", "1000.01", false)]
    // By headcount: 2 of 3, 4 of 6, 3 of 6.
    [InlineData("2", "3", true)]
    [InlineData("4", "6", true)]
    [InlineData("3", "6", false)]
    [InlineData("0", "3", false)]
    [InlineData("3", "3", true)]
    public void at_least_two_thirds_is_met_exactly_at_two_thirds(string part, string whole, bool met)
    {
        TwoThirds.IsMetBy(D(part), D(whole)).ShouldBe(met);
    }

    [Theory]
    // Half of 1000.02 m² is exactly 500.01 m².
    [InlineData("500.01", "1000.02", false)]
    [InlineData("500.02", "1000.02", true)]
    [InlineData("500.00", "1000.01", false)]
    [InlineData("500.01", "1000.01", true)]
    // By headcount: 2 of 4 is not more than half, 3 of 5 is.
    [InlineData("2", "4", false)]
    [InlineData("3", "5", true)]
    public void more_than_half_is_not_met_at_exactly_half(string part, string whole, bool met)
    {
        OverHalf.IsMetBy(D(part), D(whole)).ShouldBe(met);
    }

    [Fact]
    public void a_fraction_no_binary_float_holds_is_still_compared_exactly()
    {
        // 0.1 + 0.2 is not 0.3 in binary floating point; in decimals it is, so 0.3 of 0.45 is exactly 2/3.
        TwoThirds.IsMetBy(0.1m + 0.2m, 0.45m).ShouldBeTrue();
        Threshold.AtLeast(1, 3).IsMetBy(0.1m, 0.3m).ShouldBeTrue();
        Threshold.MoreThan(1, 3).IsMetBy(0.1m, 0.3m).ShouldBeFalse();
    }

    [Theory]
    [InlineData("0", "0")]
    [InlineData("1", "0")]
    [InlineData("1", "-1")]
    public void an_empty_whole_meets_nothing(string part, string whole)
    {
        TwoThirds.IsMetBy(D(part), D(whole)).ShouldBeFalse();
        Threshold.AtLeast(0, 1).IsMetBy(D(part), D(whole)).ShouldBeFalse();
    }

    private static decimal D(string value) => decimal.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
}
