using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CaseLedger.IntegrationTests.Cli;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Import;

/// <summary>The import verb and endpoint: the same import, a summary when every line went in, the bad lines when some did not.</summary>
[Collection(LedgerCollection.Name)]
public sealed class when_an_administrator_imports_history(Ledger ledger)
{
    private static string Sample(string extension) => Path.Combine(LedgerHost.RepositoryRoot(), "seeds", "imports", $"yuelu-history.{extension}");

    private static string WithABadLine(string text, out int line)
    {
        var lines = text.Split('\n').ToList();
        var victim = lines.FindLastIndex(l => l.Contains("record-arrival", StringComparison.Ordinal));
        lines[victim] = lines[victim].Replace("record-arrival", "record-levitation", StringComparison.Ordinal);
        line = victim + 1;
        return string.Join('\n', lines);
    }

    private async Task<HttpResponseMessage> PostAsync(string district, string text, string media)
    {
        var before = ledger.Clock.GetUtcNow();
        // The host's clock after the sample's last step (the test clock starts before it).
        ledger.Clock.Set(new DateTimeOffset(2026, 1, 5, 1, 0, 0, TimeSpan.Zero));
        try
        {
            var content = new StringContent(text);
            content.Headers.ContentType = new MediaTypeHeaderValue(media);
            return await ledger.Client.PostAsync($"/districts/{district}/imports", content);
        }
        finally
        {
            ledger.Clock.Set(before);
        }
    }

    [Fact]
    public async Task the_endpoint_imports_a_csv_file_and_answers_what_it_did()
    {
        var district = ledger.NewDistrict("import-http");
        var response = await PostAsync(district, await File.ReadAllTextAsync(Sample("csv")), "text/csv");

        response.StatusCode.ShouldBe(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        using var summary = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        summary.RootElement.GetProperty("casesImported").GetInt32().ShouldBe(7);
        (await ledger.VerifyDistrictAsync(district)).Intact.ShouldBe(7);
    }

    [Fact]
    public async Task the_endpoint_lists_the_bad_lines_in_its_problem()
    {
        var district = ledger.NewDistrict("import-http");
        var text = WithABadLine(await File.ReadAllTextAsync(Sample("jsonl")), out var line);
        var response = await PostAsync(district, text, "application/x-ndjson");

        response.StatusCode.ShouldBe(HttpStatusCode.UnprocessableEntity);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        problem.RootElement.GetProperty("code").GetString().ShouldBe("import.bad_lines");
        problem.RootElement.GetProperty("badLines")[0].GetProperty("line").GetInt32().ShouldBe(line);
    }

    [Fact]
    public async Task the_verb_imports_a_file_then_names_a_bad_line_and_exits_non_zero()
    {
        var district = ledger.NewDistrict("import-cli");
        var imported = await HostCli.RunAsync(ledger.ConnectionString, "import", district, Sample("jsonl"));
        imported.ExitCode.ShouldBe(0, imported.Error);
        imported.Output.ShouldContain("Imported 7 case(s)");

        var path = Path.Combine(Path.GetTempPath(), $"caseledger-{Guid.NewGuid():N}.jsonl");
        await File.WriteAllTextAsync(path, WithABadLine(await File.ReadAllTextAsync(Sample("jsonl")), out var line));
        try
        {
            var other = ledger.NewDistrict("import-cli");
            var bad = await HostCli.RunAsync(ledger.ConnectionString, "import", other, path);
            bad.ExitCode.ShouldNotBe(0);
            bad.Error.ShouldContain($"line {line}:");
            bad.Output.ShouldContain("Imported 6 case(s)");
        }
        finally
        {
            File.Delete(path);
        }
    }
}
