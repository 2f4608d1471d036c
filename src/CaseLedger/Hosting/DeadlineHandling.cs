using CaseLedger.Core;
using CaseLedger.Core.Deadlines;
using Marten;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Wolverine;
using Wolverine.Marten;
using Wolverine.Runtime;
using Wolverine.Runtime.Handlers;

namespace CaseLedger.Hosting;

/// <summary>
/// Schedules a deadline's check as a Wolverine durable scheduled message (<see cref="DeadlineFallsDue"/>)
/// through Wolverine's Marten outbox: the envelope is written in the command's own transaction, so
/// it exists exactly when the deadline's events do, and it survives a restart of the host.
/// </summary>
internal sealed class WolverineDeadlineScheduler(IWolverineRuntime runtime) : IDeadlineScheduler
{
    public async Task ScheduleAsync(IDocumentSession session, string district, IReadOnlyList<DeadlineFallsDue> due, CancellationToken ct)
    {
        var outbox = new MartenOutbox(runtime, session) { TenantId = district };
        foreach (var deadline in due)
        {
            await outbox.ScheduleAsync(deadline, deadline.DueAt, new DeliveryOptions { TenantId = district });
        }
    }
}

/// <summary>
/// Runs when a deadline's scheduled check arrives: records, through the pipeline and as CaseLedger
/// itself, the case's deadlines that are due by now (none if it was met, paused or moved meanwhile).
/// Pre-built, so Wolverine generates no code for it.
/// </summary>
internal sealed class DeadlineFallsDueHandler : MessageHandler<DeadlineFallsDue>
{
    protected override async Task HandleAsync(DeadlineFallsDue message, MessageContext context, CancellationToken cancellation)
    {
        var pipeline = context.Runtime.Services.GetRequiredService<CasePipeline>();
        await pipeline.RecordBreachesAsync(context.Envelope?.TenantId ?? "", message.Kind, message.CaseId, null, cancellation);
    }
}

/// <summary>
/// The safety net behind the scheduled checks: every <c>CaseLedger:Deadlines:SweepInterval</c> (a
/// minute unless configured; zero turns it off), records every deadline of every district that is past
/// due and not yet recorded as breached. A breach it records says when it was due and when it was noticed.
/// </summary>
public sealed class DeadlineSweep(IDocumentStore store, CasePipeline pipeline, DistrictRegistry districts, TimeProvider clock)
{
    /// <summary>Records every deadline past due at <paramref name="now"/> (the clock's now when not given); returns the outcomes.</summary>
    public async Task<IReadOnlyList<CommandOutcome>> SweepAsync(DateTimeOffset? now = null, string? district = null, CancellationToken ct = default)
    {
        var at = now ?? clock.GetUtcNow();
        var outcomes = new List<CommandOutcome>();
        var names = district is not null ? [district] : (await districts.AllAsync(ct)).Select(d => d.Id).ToList();
        foreach (var name in names)
        {
            // Each case's service record names its kind: no further read to find it.
            IReadOnlyList<Core.Service.CaseService> due;
            await using (var session = store.QuerySession(name))
            {
                due = await session.Query<Core.Service.CaseService>().Where(d => d.NextDue != null && d.NextDue <= at).ToListAsync(ct);
            }

            foreach (var service in due)
            {
                outcomes.Add(await pipeline.RecordBreachesAsync(name, service.Kind, service.Id, at, ct));
            }
        }

        return outcomes;
    }
}

/// <summary>Runs the <see cref="DeadlineSweep"/> on its interval.</summary>
internal sealed class PeriodicDeadlineSweep(DeadlineSweep sweep, TimeProvider clock, IConfiguration configuration, ILogger<PeriodicDeadlineSweep> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var every = configuration.GetValue("CaseLedger:Deadlines:SweepInterval", TimeSpan.FromMinutes(1));
        if (every <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(every, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                var recorded = await sweep.SweepAsync(ct: stoppingToken);
                if (recorded.Any(o => o.Appended.Count > 0))
                {
                    logger.LogInformation("The deadline sweep recorded breaches on {Cases} cases.", recorded.Count(o => o.Appended.Count > 0));
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning("The deadline sweep failed ({Error}); trying again at the next interval.", e.GetType().Name);
            }
        }
    }
}

/// <summary>Registers deadlines with a Wolverine host: the scheduler, the handler and its durable local queue, the sweep.</summary>
internal static class DeadlineHosting
{
    public static void Register(WolverineOptions options)
    {
        options.Services.TryAddDeadlineServices();
        options.AddMessageHandler(new DeadlineFallsDueHandler());
        // Durable: a scheduled check is kept in PostgreSQL (Wolverine's tables) until it has run, across restarts.
        options.PublishMessage<DeadlineFallsDue>().ToLocalQueue("deadlines").UseDurableInbox();
        // A city's same-day promises fall due together (17:30 in every district). Wolverine's defaults poll
        // for due scheduled messages every 5 s and take 100 at a time: 20 breaches a second at best. Polling
        // every second and taking a few thousand at a time lets the recording, not the polling, set the pace;
        // the queue records several cases at once (each case is its own transaction and row lock).
        options.Durability.ScheduledJobPollingTime = PollingInterval;
        options.Durability.RecoveryBatchSize = Math.Max(options.Durability.RecoveryBatchSize, ScheduledBatch);
        options.LocalQueue("deadlines").MaximumParallelMessages(Parallelism);
    }

    /// <summary>How often Wolverine looks for scheduled checks that have fallen due.</summary>
    internal static readonly TimeSpan PollingInterval = TimeSpan.FromSeconds(1);

    /// <summary>How many due checks one poll takes from the store.</summary>
    internal const int ScheduledBatch = 2000;

    /// <summary>How many due checks the deadlines queue records at once.</summary>
    internal const int Parallelism = 8;

    private static void TryAddDeadlineServices(this IServiceCollection services)
    {
        services.AddSingleton<IDeadlineScheduler, WolverineDeadlineScheduler>();
        services.AddSingleton<DeadlineSweep>();
        services.AddHostedService<PeriodicDeadlineSweep>();
    }
}
