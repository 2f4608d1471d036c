using CaseLedger.Audit;
using CaseLedger.Core;
using JasperFx.CommandLine;
using Marten;

namespace CaseLedger.Host.Commands;

public sealed class CaseStateInput : NetCoreInput
{
    [Description("The case's district")]
    public string District { get; set; } = "";

    [Description("The case's id")]
    public string Case { get; set; } = "";

    [Description("The state after this stream version"), FlagAlias("version", true)]
    public long? VersionFlag { get; set; }

    [Description("The state as of this time (ISO 8601)"), FlagAlias("at", true)]
    public string? AtFlag { get; set; }
}

[Description("Show a case as it looked at a version or a time", Name = "case-state")]
public sealed class CaseStateCommand : JasperFxAsyncCommand<CaseStateInput>
{
    public CaseStateCommand()
    {
        Usage("Show a case at a point of its history").Arguments(x => x.District, x => x.Case);
    }

    public override Task<bool> Execute(CaseStateInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var point = CaseDiffCommand.Point(input.VersionFlag, input.AtFlag, "--version", "--at");
        var district = CommandSupport.District(input.District);
        var state = await PointInTime.AsOfAsync(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<CaseKinds>(),
            district, CommandSupport.ParseGuid(input.Case, "The case"), point)
            ?? throw new CommandFailure($"No case {input.Case} in district {district}.");
        CommandSupport.WriteJson(state);
        return true;
    });
}

public sealed class CaseDiffInput : NetCoreInput
{
    [Description("The case's district")]
    public string District { get; set; } = "";

    [Description("The case's id")]
    public string Case { get; set; } = "";

    [Description("From this stream version"), FlagAlias("from-version", true)]
    public long? FromVersionFlag { get; set; }

    [Description("To this stream version"), FlagAlias("to-version", true)]
    public long? ToVersionFlag { get; set; }

    [Description("From this time (ISO 8601)"), FlagAlias("from-at", true)]
    public string? FromAtFlag { get; set; }

    [Description("To this time (ISO 8601)"), FlagAlias("to-at", true)]
    public string? ToAtFlag { get; set; }
}

[Description("Show what changed in a case between two points, and the events between them", Name = "case-diff")]
public sealed class CaseDiffCommand : JasperFxAsyncCommand<CaseDiffInput>
{
    public CaseDiffCommand()
    {
        Usage("Compare two points of a case's history").Arguments(x => x.District, x => x.Case);
    }

    internal static HistoryPoint Point(long? version, string? at, string versionFlag, string atFlag)
    {
        if (version is not null && at is not null)
        {
            throw new CommandFailure($"Give {versionFlag} or {atFlag}, not both.");
        }

        if (version is < 1)
        {
            throw new CommandFailure($"{versionFlag} is a stream version from 1.");
        }

        return version is not null ? new HistoryPoint(version) : at is not null ? new HistoryPoint(At: CommandSupport.ParseTime(at, atFlag)) : HistoryPoint.Latest;
    }

    /// <summary>Terminal output, not a web page: apostrophes and plus signs need no escaping.</summary>
    private static readonly System.Text.Json.JsonSerializerOptions Shown = new(CaseJson.Options)
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>A changed value as the JSON it is (a text in quotes, a number bare), or (absent).</summary>
    private static string Show(System.Text.Json.JsonElement? value) =>
        value is { } json ? System.Text.Json.JsonSerializer.Serialize(json, Shown) : "(absent)";

    public override Task<bool> Execute(CaseDiffInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var from = Point(input.FromVersionFlag, input.FromAtFlag, "--from-version", "--from-at");
        var to = Point(input.ToVersionFlag, input.ToAtFlag, "--to-version", "--to-at");
        if (from == HistoryPoint.Latest)
        {
            throw new CommandFailure("Say where to start: --from-version or --from-at.");
        }

        var district = CommandSupport.District(input.District);
        var diff = await PointInTime.DiffAsync(services.GetRequiredService<IDocumentStore>(), services.GetRequiredService<CaseKinds>(),
            district, CommandSupport.ParseGuid(input.Case, "The case"), from, to)
            ?? throw new CommandFailure($"No case {input.Case} in district {district}.");
        Console.WriteLine($"Case {diff.CaseId}: version {diff.FromVersion} -> {diff.ToVersion}, {diff.Changes.Count} field(s) changed, {diff.EventsBetween.Count} event(s) between");
        foreach (var change in diff.Changes)
        {
            Console.WriteLine($"  {change.Path}: {Show(change.Before)} -> {Show(change.After)}");
        }

        foreach (var e in diff.EventsBetween)
        {
            Console.WriteLine($"  v{e.Version} {e.Timestamp:u} {e.Type} by {e.Actor}{(e.OnBehalfOf is null ? "" : $" for {e.OnBehalfOf}")}");
        }

        return true;
    });
}
