using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Scenarios;
using Marten;

namespace CaseLedger.Host;

/// <summary>
/// On the first start with an empty store, loads the demo data in <c>seeds/</c> through each case
/// kind's own decisions, as an import of dated history (<see cref="Import.SeedImport"/>): the events keep the seeds' dates. Runs before the host starts listening, so seeded cases are there from the
/// first request. Switch off with <c>CaseLedger:Seeds:Enabled=false</c>.
/// </summary>
internal sealed class SeedLoader(
    IDocumentStore store, CaseKinds kinds, Import.HistoryImport importer, DistrictRegistry districts, IConfiguration configuration, ILogger<SeedLoader> logger)
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

        // As an import: each case decided at its steps' dates and recorded with them, so the demo shows its real dates.
        var counts = await Import.SeedImport.LoadAsync(importer, kinds, root, cancellationToken);
        foreach (var (kind, count) in counts)
        {
            logger.LogInformation("Seeded {Count} {Kind} case(s) from {Root}", count, kind, root);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
