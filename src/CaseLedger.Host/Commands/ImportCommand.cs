using CaseLedger.Hosting;
using CaseLedger.Import;
using JasperFx.CommandLine;
using Spectre.Console;

namespace CaseLedger.Host.Commands;

public sealed class ImportInput : NetCoreInput
{
    [Description("The district the history belongs to")]
    public string District { get; set; } = "";

    [Description("The file: JSON lines (.jsonl) or CSV (.csv), one recorded step a line (docs/import.md)")]
    public string File { get; set; } = "";

    [Description("Read the file as this format (jsonl or csv) whatever its name"), FlagAlias("format", true)]
    public string? FormatFlag { get; set; }

    [Description("Cases written per transaction (default 1000)"), FlagAlias("batch", true)]
    public int BatchFlag { get; set; } = 1000;
}

[Description("Import a district's recorded history with its real times (docs/import.md)", Name = "import")]
public sealed class ImportCommand : JasperFxAsyncCommand<ImportInput>
{
    public ImportCommand()
    {
        Usage("Import a district's recorded cases from a file").Arguments(x => x.District, x => x.File);
    }

    public override Task<bool> Execute(ImportInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var district = CommandSupport.District(input.District);
        var path = CommandSupport.Require(input.File, "A file");
        if (!System.IO.File.Exists(path))
        {
            throw new CommandFailure($"No file {path}.");
        }

        var format = input.FormatFlag?.ToLowerInvariant() switch
        {
            null => ImportReader.FormatOf(path),
            "csv" => ImportFormat.Csv,
            "jsonl" or "json-lines" => ImportFormat.JsonLines,
            var other => throw new CommandFailure($"--format is jsonl or csv, not '{other}'."),
        };
        if (!await services.GetRequiredService<DistrictRegistry>().IsKnownAsync(district, CancellationToken.None))
        {
            throw new CommandFailure($"District '{district}' is not set up: set it up first (POST /districts).");
        }

        ImportFile file;
        using (var reader = new StreamReader(path, System.Text.Encoding.UTF8, detectEncodingFromByteOrderMarks: true))
        {
            file = await ImportReader.ReadAsync(reader, format);
        }

        var importer = services.GetRequiredService<HistoryImport>();
        importer = importer.With(Math.Max(1, input.BatchFlag), Path.GetFileName(path));
        ImportResult? result = null;
        await AnsiConsole.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask($"{district}: reading", maxValue: 1);
                result = await importer.ImportAsync(district, file, new SynchronousProgress<ImportProgress>(p =>
                {
                    task.MaxValue = Math.Max(1, p.CasesTotal);
                    task.Value = p.CasesDone;
                    task.Description = $"{district}: {p.CasesDone:N0}/{p.CasesTotal:N0} cases, {p.EventsWritten:N0} events, {p.EventsPerSecond:N0} events/s";
                }));
            });

        Console.WriteLine($"Imported {result!.CasesImported} case(s), {result.EventsWritten} event(s) in {result.Elapsed.TotalSeconds:N1} s " +
            $"({result.EventsPerSecond:N0} events/s); {result.CasesSkipped} already in {district} (skipped); {result.BadLines.Count} bad line(s).");
        foreach (var bad in result.BadLines)
        {
            Console.Error.WriteLine($"line {bad.Line}: {bad.Reason}");
        }

        return result.BadLines.Count == 0;
    });

    /// <summary>Reports on the importer's own thread: the bar is drawn by Spectre's refresh, not by each report.</summary>
    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
