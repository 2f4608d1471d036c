using System.Text.Json;
using CaseLedger.Core;

namespace CaseLedger.Tests.Json;

// Amounts (yuan, m²) are written with their two decimals whatever scale they were computed with; a
// fraction keeps its own decimals; reading them back gives the same values.
public sealed class when_amounts_are_written
{
    private sealed record Award(decimal Cost, decimal Subsidy, decimal? Cap, decimal? Unpaid, [property: Fraction] decimal Rate, decimal Exact);

    [Fact]
    public void every_amount_has_two_decimals_and_a_fraction_its_own()
    {
        var json = JsonSerializer.Serialize(new Award(2500.0m, 1000m, 190.00m, null, 0.625m, 12.345m), CaseJson.Options);

        json.ShouldBe("""{"cost":2500.00,"subsidy":1000.00,"cap":190.00,"unpaid":null,"rate":0.625,"exact":12.345}""");
        JsonSerializer.Deserialize<Award>(json, CaseJson.Options).ShouldBe(new Award(2500m, 1000m, 190m, null, 0.625m, 12.345m));
    }
}
