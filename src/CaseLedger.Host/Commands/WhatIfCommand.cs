using System.Globalization;
using CaseLedger.Core;
using CaseLedger.Rules;
using CaseLedger.Scenarios;
using JasperFx.CommandLine;
using Marten;

namespace CaseLedger.Host.Commands;

public sealed class WhatIfInput : NetCoreInput
{
    [Description("The proposed rule version, id@version (e.g. co-funding@2-proposed)")]
    public string Rule { get; set; } = "";

    [Description("Only this district (repeat for several; default: all)"), FlagAlias("district", true)]
    public IEnumerable<string> DistrictFlag { get; set; } = [];

    [Description("Only cases opened from this time (ISO 8601)"), FlagAlias("from", true)]
    public string? FromFlag { get; set; }

    [Description("Only cases opened before this time (ISO 8601)"), FlagAlias("to", true)]
    public string? ToFlag { get; set; }

    [Description("Rule files or folders holding the proposed version (default: seeds/rules when present)"), FlagAlias("rules", true)]
    public IEnumerable<string> RulesFlag { get; set; } = [];

    [Description("Print JSON instead of a table"), FlagAlias("json", true)]
    public bool JsonFlag { get; set; }
}

[Description("Replay past cases' decisions under a proposed rule version, read-only, and list what would change", Name = "whatif")]
public sealed class WhatIfCommand : JasperFxAsyncCommand<WhatIfInput>
{
    public WhatIfCommand()
    {
        Usage("What a proposed rule version would have changed").Arguments(x => x.Rule);
    }

    public override Task<bool> Execute(WhatIfInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var parts = CommandSupport.Require(input.Rule, "The proposed rule (id@version)").Split('@', 2);
        if (parts.Length != 2)
        {
            throw new CommandFailure($"A rule is written id@version, e.g. co-funding@2-proposed, not '{input.Rule}'.");
        }

        RuleVersion proposed;
        RuleBook rules;
        try
        {
            rules = ScenariosCommand.Rules(services.GetRequiredService<CaseKinds>(), services.GetRequiredService<RuleBook>(), input.RulesFlag);
            proposed = rules.Get(parts[0], parts[1]);
        }
        catch (RuleBookException e)
        {
            throw new CommandFailure(e.Message);
        }

        var districts = input.DistrictFlag.Select(CommandSupport.District).ToList();
        WhatIfReport report;
        try
        {
            report = await WhatIf.RunAsync(services.GetRequiredService<IDocumentStore>(), new ScenarioEngine(services.GetRequiredService<CaseKinds>()), rules, proposed,
                districts, CommandSupport.ParseTime(input.FromFlag, "--from"), CommandSupport.ParseTime(input.ToFlag, "--to"));
        }
        catch (ArgumentException e)
        {
            throw new CommandFailure(e.Message);
        }

        if (input.JsonFlag)
        {
            CommandSupport.WriteJson(report);
            return true;
        }

        Console.WriteLine($"What if {proposed.Ref} ({proposed.Title}) had applied, read-only:");
        Console.WriteLine($"  districts: {string.Join(", ", report.Districts)}; cases examined: {report.CasesExamined}; with a decision: {report.CasesDecided}; would change: {report.Changed.Count}");
        foreach (var c in report.Changed)
        {
            var amounts = c.Amount is null && c.ProposedAmount is null ? "" : $"; amount {Money(c.Amount)} -> {Money(c.ProposedAmount)}";
            Console.WriteLine($"  {c.District}/{c.CaseId}  {c.Summary}");
            Console.WriteLine($"      outcome {c.Outcome} -> {c.ProposedOutcome}{amounts}; clauses changed: {(c.ChangedClauses.Count == 0 ? "none" : string.Join(", ", c.ChangedClauses))}" +
                (c.Refusals.Count == 0 ? "" : $"; refused under the proposal: {string.Join(", ", c.Refusals.Distinct())}"));
        }

        if (report.HasAmounts)
        {
            Console.WriteLine($"  totals: recorded {Money(report.AmountRecorded)}, proposed {Money(report.AmountProposed)}, difference {Money(report.AmountDifference)}");
        }

        if (report.HasDeadlines)
        {
            Console.WriteLine($"  on-time rate: recorded {Rate(report.OnTimeRecorded)}, proposed {Rate(report.OnTimeProposed)}");
        }
        return true;
    });

    private static string Rate(Core.Deadlines.PromisesKept kept) =>
        kept.Rate is { } rate ? $"{rate:P2} ({kept.OnTime} of {kept.Settled} promises kept)" : "none settled";

    private static string Money(decimal? amount) => amount is { } a ? a.ToString("#,0.00", CultureInfo.InvariantCulture) : "-";
}
