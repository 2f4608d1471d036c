using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CaseLedger.Audit;

/// <summary>
/// Seals every district whose chains grew, once per <c>CaseLedger:Sealing:Interval</c> (five minutes
/// unless set; seconds are fine; <c>00:00:00</c> switches it off). It takes its turn with seals asked
/// for over HTTP or the command line (one seal of a district at a time), and a district that cannot be
/// sealed is reported and retried next round without holding up the others; so is a seal that could not
/// be published, which the next round publishes before its own.
/// </summary>
public sealed class PeriodicSealing(IDocumentStore store, Sealing sealing, TimeProvider clock, ILogger<PeriodicSealing> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (sealing.Interval <= TimeSpan.Zero)
        {
            return;
        }

        if (!sealing.Witness.Creates && !Directory.Exists(sealing.Witness.Folder))
        {
            logger.LogWarning("The witness folder {Folder} does not exist (is it mounted?): seals are recorded but not published until it does", sealing.Witness.Folder);
        }

        using var timer = new PeriodicTimer(sealing.Interval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await SealAllAsync(stoppingToken);
        }
    }

    /// <summary>One round: every district with a case, each on its own.</summary>
    public async Task SealAllAsync(CancellationToken ct)
    {
        IReadOnlyList<string> districts;
        try
        {
            districts = await DistrictSeals.DistrictsAsync(store, ct);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogError(e, "Sealing could not list the districts; it is tried again at the next interval");
            return;
        }

        // Marten's default tenant holds no district's cases (only what a failed write without a district left).
        foreach (var district in districts.Where(Core.CommandPipeline.IsDistrictId))
        {
            try
            {
                var outcome = await DistrictSeals.SealAsync(store, sealing, district, clock.GetUtcNow(), ct);
                if (outcome.Seal is { } seal)
                {
                    logger.LogInformation("Sealed district {District}: seal {Number}, {NewLinks} new links, {TreeSize} in all, root {Root}",
                        district, seal.Statement.Number, seal.Statement.NewLinks, seal.Statement.TreeSize, seal.Statement.Root);
                }

                if (outcome.Withheld.Count > 0)
                {
                    // Case ids and reasons only: never what the cases hold.
                    logger.LogError("District {District}: {Count} case(s) left out of the seal because their chain no longer extends what was sealed: {Cases}",
                        district, outcome.Withheld.Count, string.Join("; ", outcome.Withheld.Take(20).Select(w => $"{w.CaseId} ({w.Reason})")));
                }

                if (outcome.WitnessProblem is { } problem)
                {
                    logger.LogError("District {District}: seal(s) {Seals} are recorded in the database but not published to the witness folder " +
                                    "({Problem}); they are published, in order, at the next interval", district, string.Join(", ", outcome.Unpublished), problem);
                }
                else if (outcome.Published.Count > 0 && outcome.Published[0] != outcome.Seal?.Statement.Number)
                {
                    logger.LogInformation("District {District}: seal(s) {Seals}, which had waited, are now published", district,
                        string.Join(", ", outcome.Published.Where(n => n != outcome.Seal?.Statement.Number)));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogError(e, "Sealing district {District} failed; it is tried again at the next interval", district);
            }
        }
    }
}
