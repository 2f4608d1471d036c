using System.Threading.Channels;
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
/// itself, the case's deadlines that are due by now (none if it was met, paused or moved meanwhile),
/// together with the other checks of its district that arrived with it (<see cref="DeadlineBatcher"/>).
/// It returns once its case was recorded, so the durable inbox settles the check only then.
/// Pre-built, so Wolverine generates no code for it.
/// </summary>
internal sealed class DeadlineFallsDueHandler : MessageHandler<DeadlineFallsDue>
{
    protected override async Task HandleAsync(DeadlineFallsDue message, MessageContext context, CancellationToken cancellation)
    {
        var batcher = context.Runtime.Services.GetRequiredService<DeadlineBatcher>();
        await batcher.RecordAsync(context.Envelope?.TenantId ?? "", message, cancellation);
    }
}

/// <summary>
/// Gathers the scheduled checks that arrive together and records each district's in one transaction,
/// up to <see cref="DeadlineHosting.BatchSize"/> cases at a time
/// (<see cref="CasePipeline.RecordBreachesAsync(string, IReadOnlyList{ValueTuple{string, Guid}}, DateTimeOffset?, CancellationToken)"/>):
/// a commit per batch instead of one per case is what lets 10,000 breaches due within a minute be
/// recorded within that minute. Not a scheduler: Wolverine still decides when a check is due and
/// delivers it; this only holds the delivered checks for the moment it takes to gather them.
/// </summary>
internal sealed class DeadlineBatcher : IAsyncDisposable
{
    private readonly Channel<Pending, Pending> _arrived = System.Threading.Channels.Channel.CreateUnbounded<Pending>();
    private readonly CancellationTokenSource _stopping = new();
    private readonly CasePipeline _pipeline;
    private readonly ILogger<DeadlineBatcher> _logger;
    private readonly Task[] _recorders;

    public DeadlineBatcher(CasePipeline pipeline, ILogger<DeadlineBatcher> logger)
    {
        (_pipeline, _logger) = (pipeline, logger);
        _recorders = Enumerable.Range(0, DeadlineHosting.Recorders).Select(_ => Task.Run(RecordArrivedAsync)).ToArray();
    }

    /// <summary>Records the check's case with the others that arrived with it; completes when it is committed (or fails with its batch).</summary>
    public Task RecordAsync(string district, DeadlineFallsDue check, CancellationToken ct)
    {
        var pending = new Pending(district, check, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        ObjectDisposedException.ThrowIf(!_arrived.Writer.TryWrite(pending), this);

        return pending.Recorded.Task.WaitAsync(ct);
    }

    private async Task RecordArrivedAsync()
    {
        var reader = _arrived.Reader;
        var ct = _stopping.Token;
        try
        {
            while (await reader.WaitToReadAsync(ct))
            {
                var taken = new List<Pending>();
                while (taken.Count < DeadlineHosting.BatchSize && reader.TryRead(out var next))
                {
                    taken.Add(next);
                    if (taken.Count == 1)
                    {
                        // The checks of one poll arrive over a few milliseconds: wait for them once.
                        await Task.Delay(DeadlineHosting.GatherFor, ct);
                    }
                }

                foreach (var district in taken.GroupBy(p => p.District))
                {
                    await RecordAsync(district.Key, district.ToList(), ct);
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task RecordAsync(string district, IReadOnlyList<Pending> checks, CancellationToken ct)
    {
        try
        {
            await _pipeline.RecordBreachesAsync(district, checks.Select(c => (c.Check.Kind, c.Check.CaseId)).ToList(), null, ct);
            foreach (var check in checks)
            {
                check.Recorded.TrySetResult();
            }
        }
        catch (Exception e)
        {
            // Every check of the batch is tried again by Wolverine's error policies; a case already
            // recorded records nothing the second time.
            _logger.LogWarning("Recording {Count} due deadline checks in district {District} failed ({Error}).", checks.Count, district, e.GetType().Name);
            foreach (var check in checks)
            {
                check.Recorded.TrySetException(e);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _arrived.Writer.TryComplete();
        await _stopping.CancelAsync();
        await Task.WhenAll(_recorders);
        while (_arrived.Reader.TryRead(out var left))
        {
            left.Recorded.TrySetCanceled();
        }

        _stopping.Dispose();
    }

    private sealed record Pending(string District, DeadlineFallsDue Check, TaskCompletionSource Recorded);
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

            foreach (var chunk in due.Chunk(DeadlineHosting.BatchSize))
            {
                outcomes.AddRange(await pipeline.RecordBreachesAsync(name, chunk.Select(s => (s.Kind, s.Id)).ToList(), at, ct));
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
        // every second and taking a few thousand at a time lets the recording, not the polling, set the pace.
        // The queue hands many checks at once to the batcher, which records them a few hundred cases per
        // transaction (each case still with its own row lock, decision and due time).
        options.Durability.ScheduledJobPollingTime = PollingInterval;
        options.Durability.RecoveryBatchSize = Math.Max(options.Durability.RecoveryBatchSize, ScheduledBatch);
        options.LocalQueue("deadlines").MaximumParallelMessages(Parallelism);
    }

    /// <summary>How often Wolverine looks for scheduled checks that have fallen due.</summary>
    internal static readonly TimeSpan PollingInterval = TimeSpan.FromSeconds(1);

    /// <summary>How many due checks one poll takes from the store.</summary>
    internal const int ScheduledBatch = 2000;

    /// <summary>How many due checks the deadlines queue hands to the batcher at once (they wait there to be gathered, not on a thread).</summary>
    internal const int Parallelism = Recorders * BatchSize;

    /// <summary>How many cases' breaches one transaction records at most.</summary>
    internal const int BatchSize = 250;

    /// <summary>How many batches are recorded at once.</summary>
    internal const int Recorders = 2;

    /// <summary>How long the batcher waits, after a first check arrives, for the others of the same poll.</summary>
    internal static readonly TimeSpan GatherFor = TimeSpan.FromMilliseconds(20);

    private static void TryAddDeadlineServices(this IServiceCollection services)
    {
        services.AddSingleton<IDeadlineScheduler, WolverineDeadlineScheduler>();
        services.AddSingleton<DeadlineBatcher>();
        services.AddSingleton<DeadlineSweep>();
        services.AddHostedService<PeriodicDeadlineSweep>();
    }
}
