using System.Net;
using System.Text;
using System.Text.Json;
using CaseLedger.Core;
using CaseLedger.IntegrationTests.Infrastructure;
using static CaseLedger.IntegrationTests.Infrastructure.LedgerHost;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>
/// Any list and the audit trail as CSV for Excel (<c>?format=csv</c>): UTF-8 with a byte order mark, a
/// header of the members' names, times in the district's civil time, the next page in a Link header.
/// </summary>
[Collection(LedgerCollection.Name)]
public sealed class when_exporting_a_list(Ledger ledger) : IAsyncLifetime
{
    private readonly string _district = ledger.NewDistrict("export");

    public async Task InitializeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            await SampleCases.RunAsync(ledger, _district, Guid.NewGuid(), Votes.Open(Votes.Start.AddMinutes(i)), Votes.Start.AddMinutes(i), SampleCases.Clerk);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static async Task<(string[] Lines, HttpResponseMessage Response)> CsvAsync(HttpResponseMessage response)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        response.StatusCode.ShouldBe(HttpStatusCode.OK, Encoding.UTF8.GetString(bytes));
        response.Content.Headers.ContentType!.MediaType.ShouldBe("text/csv");
        bytes.Take(3).ShouldBe(new byte[] { 0xEF, 0xBB, 0xBF }, "a byte order mark, so that Excel reads UTF-8");
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
        text.ShouldEndWith("\r\n");
        return (text.Split("\r\n", StringSplitOptions.RemoveEmptyEntries), response);
    }

    [Fact]
    public async Task a_page_of_a_kinds_list_is_a_csv_row_per_case_with_times_in_civil_time_and_the_next_page_linked()
    {
        var (lines, response) = await CsvAsync(await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes?limit=2&format=csv"));

        var header = Cells(lines[0]);
        header.ShouldContain("id");
        header.ShouldContain("openedAt");
        lines.Length.ShouldBe(3);
        var openedAt = Array.IndexOf(header, "openedAt");
        // The newest vote first, opened at Votes.Start + 2 minutes, shown at +08:00 as Excel reads a date and time.
        Cells(lines[1])[openedAt].ShouldBe(Votes.Start.AddMinutes(2).ToOffset(TimeSpan.FromHours(8)).ToString("yyyy-MM-dd HH:mm:ss"));
        var link = response.Headers.GetValues("Link").Single();
        link.ShouldStartWith($"</districts/{_district}/renovation-votes?");
        link.ShouldContain("format=csv");
        link.ShouldEndWith("; rel=\"next\"");

        var next = link[1..link.IndexOf('>')];
        var (rest, last) = await CsvAsync(await ledger.Client.GetAsync(next));
        rest.Length.ShouldBe(2);
        last.Headers.Contains("Link").ShouldBeFalse();
    }

    [Fact]
    public async Task the_audit_trail_exports_its_entries_the_same_way()
    {
        var (lines, _) = await CsvAsync(await ledger.Client.GetAsync($"/audit/entries?district={_district}&format=csv"));

        lines.Length.ShouldBe(4);
        Cells(lines[0]).ShouldContain("summary");
        Cells(lines[1]).Length.ShouldBe(Cells(lines[0]).Length);
    }

    /// <summary>The cells of one CSV line (RFC 4180: a quoted cell may hold commas and doubled quotes).</summary>
    private static string[] Cells(string line)
    {
        var cells = new List<string>();
        var cell = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted && c == '"' && i + 1 < line.Length && line[i + 1] == '"')
            {
                cell.Append('"');
                i++;
            }
            else if (c == '"')
            {
                quoted = !quoted;
            }
            else if (c == ',' && !quoted)
            {
                cells.Add(cell.ToString());
                cell.Clear();
            }
            else
            {
                cell.Append(c);
            }
        }

        cells.Add(cell.ToString());
        return [.. cells];
    }

    [Theory]
    [InlineData("format=xlsx")]
    [InlineData("format=csv&format=csv")]
    [InlineData("format=")]
    public async Task a_format_other_than_csv_is_refused(string query)
    {
        var response = await ledger.Client.GetAsync($"/districts/{_district}/renovation-votes?{query}");

        response.StatusCode.ShouldBe(HttpStatusCode.BadRequest);
        (await ReadAsync<JsonElement>(response)).GetProperty("code").GetString().ShouldBe("query.format_invalid");
    }
}
