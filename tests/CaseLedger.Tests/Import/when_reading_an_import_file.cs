using CaseLedger.Core;
using CaseLedger.Import;

namespace CaseLedger.Tests.Import;

public sealed class when_reading_an_import_file
{
    private const string Case = "0195a000-0000-7000-8000-000000000001";

    private const string JsonLine =
        """{"case":"0195a000-0000-7000-8000-000000000001","kind":"work-order","command":"record-contact","at":"2025-03-03T10:16:00+08:00","actor":"staff-11","role":"Clerk","channel":"ServiceWindow","body":{"note":"Called, \"twice\""}}""";

    private const string CsvHeader = "case,kind,command,at,actor,role,channel,onBehalfOf,institution,body";

    private const string CsvLine =
        "0195a000-0000-7000-8000-000000000001,work-order,record-contact,2025-03-03T10:16:00+08:00,staff-11,Clerk,ServiceWindow,,,\"{\"\"note\"\":\"\"Called, \\\"\"twice\\\"\"\"\"}\"";

    [Fact]
    public async Task a_json_line_is_a_step_with_its_line_number_and_time()
    {
        var file = await ImportReader.ReadAsync("\n" + JsonLine + "\n", ImportFormat.JsonLines);

        file.BadLines.ShouldBeEmpty();
        var step = file.Steps.ShouldHaveSingleItem();
        step.Line.ShouldBe(2);
        step.CaseId.ShouldBe(Guid.Parse(Case));
        step.Command.ShouldBe("record-contact");
        step.At.ShouldBe(new DateTimeOffset(2025, 3, 3, 2, 16, 0, TimeSpan.Zero));
        step.Role.ShouldBe(Role.Clerk);
        step.Channel.ShouldBe(Channel.ServiceWindow);
        step.Body!.Value.GetProperty("note").GetString().ShouldBe("Called, \"twice\"");
    }

    [Fact]
    public async Task a_csv_line_reads_as_the_same_step_as_its_json_line()
    {
        var csv = await ImportReader.ReadAsync("\uFEFF" + CsvHeader + "\n" + CsvLine + "\n", ImportFormat.Csv);
        var json = await ImportReader.ReadAsync(JsonLine, ImportFormat.JsonLines);

        csv.BadLines.ShouldBeEmpty();
        var (a, b) = (csv.Steps.ShouldHaveSingleItem(), json.Steps.ShouldHaveSingleItem());
        a.Line.ShouldBe(2);
        (a with { Line = 0, Body = null }).ShouldBe(b with { Line = 0, Body = null });
        a.Body!.Value.GetRawText().ShouldBe(b.Body!.Value.GetRawText());
    }

    [Fact]
    public async Task a_line_that_does_not_parse_is_a_bad_line_naming_its_number_and_case()
    {
        var broken = JsonLine.Replace("\"Clerk\"", "\"Wizard\"", StringComparison.Ordinal);
        var file = await ImportReader.ReadAsync(JsonLine + "\n" + broken + "\n{not json\n", ImportFormat.JsonLines);

        file.Steps.Count.ShouldBe(1);
        file.BadLines.Select(b => b.Line).ShouldBe([2, 3]);
        file.BadLines[0].CaseId.ShouldBe(Guid.Parse(Case));
        file.BadLines[1].CaseId.ShouldBeNull();
    }

    [Fact]
    public async Task a_step_without_a_time_is_a_bad_line()
    {
        var file = await ImportReader.ReadAsync(JsonLine.Replace("\"at\":\"2025-03-03T10:16:00+08:00\",", "", StringComparison.Ordinal), ImportFormat.JsonLines);

        file.BadLines.ShouldHaveSingleItem().Reason.ShouldContain("no time");
    }

    [Fact]
    public async Task a_csv_file_whose_header_lacks_a_column_reads_nothing()
    {
        var file = await ImportReader.ReadAsync("case,kind,command\n" + CsvLine, ImportFormat.Csv);

        file.Steps.ShouldBeEmpty();
        file.BadLines.ShouldHaveSingleItem().Line.ShouldBe(1);
        file.BadLines[0].Reason.ShouldContain("missing: at,actor,role,channel");
    }

    [Fact]
    public async Task a_csv_line_with_a_quote_left_open_or_too_few_fields_is_a_bad_line()
    {
        var file = await ImportReader.ReadAsync(CsvHeader + "\n" + Case + ",work-order,\"open\n" + Case + ",work-order\n", ImportFormat.Csv);

        file.BadLines.Select(b => b.Line).ShouldBe([2, 3]);
        file.BadLines.ShouldAllBe(b => b.CaseId == Guid.Parse(Case));
    }

    [Theory]
    [InlineData("a,b,c", new[] { "a", "b", "c" })]
    [InlineData("\"a,b\",\"say \"\"hi\"\"\",", new[] { "a,b", "say \"hi\"", "" })]
    public void csv_fields_are_split_with_rfc_4180_quoting(string line, string[] fields) =>
        ImportReader.SplitCsv(line).ShouldBe(fields);

    [Fact]
    public void the_format_follows_the_file_name() =>
        (ImportReader.FormatOf("history.CSV"), ImportReader.FormatOf("history.jsonl")).ShouldBe((ImportFormat.Csv, ImportFormat.JsonLines));
}
