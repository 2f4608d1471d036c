using CaseLedger.Audit;
using JasperFx.CommandLine;
using Marten;

namespace CaseLedger.Host.Commands;

public sealed class RebuildInput : NetCoreInput
{
    [Description("Rebuild only this projection (default: every read model)"), FlagAlias("projection", true)]
    public string? ProjectionFlag { get; set; }

    [Description("List the projections that can be rebuilt"), FlagAlias("list", true)]
    public bool ListFlag { get; set; }
}

[Description("Rebuild read models from the events, showing progress", Name = "rebuild")]
public sealed class RebuildCommand : JasperFxAsyncCommand<RebuildInput>
{
    public override Task<bool> Execute(RebuildInput input) => CommandSupport.RunAsync(input, async services =>
    {
        var store = services.GetRequiredService<IDocumentStore>();
        var rules = services.GetRequiredService<CaseLedger.Rules.RuleBook>();
        var all = Rebuilding.Rebuildable(store);
        if (input.ListFlag)
        {
            all.ToList().ForEach(Console.WriteLine);
            return true;
        }

        if (input.ProjectionFlag is null)
        {
            // Every read model in one pass over the events (appends wait while it runs: docs/rebuild.md).
            var kinds = services.GetRequiredService<CaseLedger.Core.CaseKinds>();
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var replayed = await ProgressBar.RunAsync("rebuild", progress =>
                Rebuilding.RebuildAllAsync(store, kinds, ProgressBar.Of<RebuildProgress>(progress, p => (p.Replayed, p.Total)), rules));
            Console.WriteLine($"{Rebuilding.All}: rebuilt from {replayed} events in {watch.Elapsed.TotalSeconds:0.0} s");
            return true;
        }

        var projection = input.ProjectionFlag;
        if (!all.Contains(projection))
        {
            throw new CommandFailure(projection == HashChainProjection.Name
                ? "The hash chain is evidence and is never rebuilt from the events it protects."
                : $"No projection '{projection}'. Rebuildable: {string.Join(", ", all)}.");
        }

        await ProgressBar.RunAsync(projection, async progress =>
        {
            await Rebuilding.RebuildAsync(store, projection, ProgressBar.Of<RebuildProgress>(progress, p => (p.Replayed, p.Total)), rules);
            return true;
        });
        Console.WriteLine($"{projection}: rebuilt");
        return true;
    });
}
