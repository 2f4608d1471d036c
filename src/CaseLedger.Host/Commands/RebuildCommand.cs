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

        var chosen = input.ProjectionFlag is null ? all : [input.ProjectionFlag];
        foreach (var projection in chosen)
        {
            if (!all.Contains(projection))
            {
                throw new CommandFailure(projection == HashChainProjection.Name
                    ? "The hash chain is evidence and is never rebuilt from the events it protects."
                    : $"No projection '{projection}'. Rebuildable: {string.Join(", ", all)}.");
            }

            var last = -1L;
            await Rebuilding.RebuildAsync(store, projection, new Progress<RebuildProgress>(p =>
            {
                if (p.Replayed != last)
                {
                    last = p.Replayed;
                    Console.WriteLine($"{p.Projection}: {p.Replayed} of {p.Total} events ({(p.Total == 0 ? 100 : 100 * p.Replayed / p.Total)}%)");
                }
            }), rules: rules);
            Console.WriteLine($"{projection}: rebuilt");
        }

        return true;
    });
}
