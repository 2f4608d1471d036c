using CaseLedger.Audit;
using JasperFx.CommandLine;
using Marten;

namespace CaseLedger.Host.Commands;

public sealed class AuditInput : NetCoreInput
{
    [Description("District to read (repeat for several)"), FlagAlias("district", true)]
    public IEnumerable<string> DistrictFlag { get; set; } = [];

    [Description("Only this case (its id)"), FlagAlias("case", true)]
    public string? CaseFlag { get; set; }

    [Description("Only what this actor did"), FlagAlias("actor", true)]
    public string? ActorFlag { get; set; }

    [Description("Only this event type, as stored (GET /kinds lists each kind's)"), FlagAlias("type", true)]
    public string? TypeFlag { get; set; }

    [Description("Only this case kind (GET /kinds lists them)"), FlagAlias("kind", true)]
    public string? KindFlag { get; set; }

    [Description("From this time on (ISO 8601)"), FlagAlias("from", true)]
    public string? FromFlag { get; set; }

    [Description("Before this time (ISO 8601)"), FlagAlias("to", true)]
    public string? ToFlag { get; set; }

    [Description("Oldest entries first (default: newest first)"), FlagAlias("oldest-first", true)]
    public bool OldestFirstFlag { get; set; }

    [Description("Continue after the entry of this sequence number (the last one a previous page printed)"), FlagAlias("after", true)]
    public long? AfterFlag { get; set; }

    [Description("Entries per page (at most 500)"), FlagAlias("limit", true)]
    public int LimitFlag { get; set; } = AuditQuery.DefaultLimit;

    [Description("Also count every matching entry (reads them all)"), FlagAlias("count", true)]
    public bool CountFlag { get; set; }

    [Description("Print JSON instead of a table"), FlagAlias("json", true)]
    public bool JsonFlag { get; set; }
}

[Description("Query the audit trail: who did what, when, on whose behalf, under which rule", Name = "audit")]
public sealed class AuditCommand : JasperFxAsyncCommand<AuditInput>
{
    public AuditCommand()
    {
        Usage("Query the audit trail of one or more districts").Arguments();
    }

    public override Task<bool> Execute(AuditInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var districts = input.DistrictFlag.Select(CommandSupport.District).ToList();
        if (districts.Count == 0)
        {
            throw new CommandFailure("Name at least one district with --district.");
        }

        if (input.LimitFlag is < 1 or > AuditQuery.MaxLimit || input.AfterFlag < 0)
        {
            throw new CommandFailure($"--limit is a whole number from 1 to {AuditQuery.MaxLimit}; --after a sequence number.");
        }

        var query = new AuditQuery(districts,
            input.CaseFlag is null ? null : CommandSupport.ParseGuid(input.CaseFlag, "--case"),
            input.ActorFlag, input.TypeFlag, input.KindFlag,
            CommandSupport.ParseTime(input.FromFlag, "--from"), CommandSupport.ParseTime(input.ToFlag, "--to"),
            input.OldestFirstFlag, input.LimitFlag, input.AfterFlag, input.CountFlag ? Core.ListCountMode.Exact : Core.ListCountMode.None);
        var page = await AuditTrail.QueryAsync(services.GetRequiredService<IDocumentStore>(), query);
        if (input.JsonFlag)
        {
            CommandSupport.WriteJson(page);
            return true;
        }

        Console.WriteLine($"{page.Entries.Count} entries{(page.Count is { } count ? $" of {count.Value}" : "")}, {(page.OldestFirst ? "oldest" : "newest")} first");
        foreach (var e in page.Entries)
        {
            var who = e.OnBehalfOf is null ? e.Actor : $"{e.Actor} for {e.OnBehalfOf}";
            Console.WriteLine($"{e.Time:u}  #{e.Sequence,-7} {e.District}/{e.CaseId} v{e.Version}  {who} via {e.Channel}{(e.Rule is null ? "" : $" [{e.Rule}]")}");
            Console.WriteLine($"    {e.EventType}: {e.Summary}");
        }

        if (page.Cursor is not null && page.Entries.Count > 0)
        {
            Console.WriteLine($"More: --after {page.Entries[^1].Sequence}");
        }

        return true;
    });
}
