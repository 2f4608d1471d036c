using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Scenarios;
using Marten;

namespace CaseLedger.Host;

/// <summary>
/// On the first start with an empty store, loads the demo data in <c>seeds/</c> through each case
/// kind's own decisions, as dated commands through the command pipeline. Runs before the host starts listening, so seeded cases are there from the
/// first request. Switch off with <c>CaseLedger:Seeds:Enabled=false</c>.
/// </summary>
internal sealed class SeedLoader(
    IDocumentStore store, CaseKinds kinds, CasePipeline pipeline, DistrictRegistry districts, IConfiguration configuration, ILogger<SeedLoader> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!configuration.GetValue("CaseLedger:Seeds:Enabled", true))
        {
            return;
        }

        var statistics = await store.Advanced.FetchEventStoreStatistics(token: cancellationToken);
        if (statistics.StreamCount > 0)
        {
            return;
        }

        var root = configuration["CaseLedger:Seeds:Path"] is { Length: > 0 } path
            ? Path.GetFullPath(path)
            : Path.Combine(AppContext.BaseDirectory, "seeds");
        // The seeds bring their districts with them: they are set up before anything is written to them.
        foreach (var district in await Seeds.DistrictsAsync(kinds, root, cancellationToken))
        {
            await districts.RegisterAsync(district, district, cancellationToken);
        }

        var counts = await Seeds.LoadAsync(pipeline.ExecuteAsync, kinds, root,
            async (district, caseId, until, ct) => await pipeline.PassTimeAsync(district, until, [caseId], ct), cancellationToken);
        foreach (var (kind, count) in counts)
        {
            logger.LogInformation("Seeded {Count} {Kind} case(s) from {Root}", count, kind, root);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
