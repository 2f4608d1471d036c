using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>The live API description, checked by a standard linter's recommended rules.</summary>
[Collection(LedgerCollection.Name)]
public sealed class when_the_api_description_is_linted(Ledger ledger)
{
    [Fact]
    public async Task redocly_s_recommended_rules_find_no_error_and_no_warning()
    {
        var file = Path.Combine(Path.GetTempPath(), $"caseledger-openapi-{Guid.NewGuid():N}.json");
        try
        {
            var response = await ledger.Client.GetAsync("/openapi/v1.json");
            response.EnsureSuccessStatusCode();
            await File.WriteAllTextAsync(file, await response.Content.ReadAsStringAsync());

            var report = await OpenApiLinter.LintAsync(file);

            report.Problems.Select(p => p.ToString()).ShouldBeEmpty();
            report.Errors.ShouldBe(0);
            report.Warnings.ShouldBe(0);
        }
        finally
        {
            File.Delete(file);
        }
    }
}
