using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>The live API description, checked by a standard linter's recommended rules.</summary>
[Collection(LedgerCollection.Name)]
public sealed class when_the_api_description_is_linted(Ledger ledger)
{
    [Fact]
    public async Task redocly_s_recommended_rules_find_no_error_and_no_warning()
    {
        var response = await ledger.Client.GetAsync("/openapi/v1.json");
        response.EnsureSuccessStatusCode();

        var report = await OpenApiLinter.LintAsync(await response.Content.ReadAsStringAsync());

        report.Problems.Select(p => p.ToString()).ShouldBeEmpty();
        report.Errors.ShouldBe(0);
        report.Warnings.ShouldBe(0);
    }
}
