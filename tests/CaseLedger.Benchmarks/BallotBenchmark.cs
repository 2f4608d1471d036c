using System.Globalization;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using JasperFx;
using JasperFx.Events;
using Marten;
using Weasel.Core;

namespace CaseLedger.Benchmarks;

/// <summary>
/// The cost of one ballot as a vote fills up, side by side in one run: CaseLedger's path (the command
/// pipeline: lock and load the small state with the unit's roll documents, decide, append, update the
/// state, the tally, the member's standing ballot, the hash chain and the audit trail) against raw
/// Marten appends of the very same events to a fresh stream (same tenancy and metadata, no decision,
/// no projection) in Marten's default append mode and in CaseLedger's Rich mode, and, to show where
/// the difference goes, Rich appends with CaseLedger's hash chain and audit trail. One transaction
/// per ballot; the first and the last <c>window</c> ballots of a full vote are timed.
/// </summary>
internal sealed class BallotBenchmark
{
    private const string District = "bench";
    private static readonly DateTimeOffset Opened = new(2025, 5, 5, 1, 0, 0, TimeSpan.Zero);

    private readonly DocumentStore _ledger;
    private readonly CasePipeline _unvouched;
    private readonly DocumentStore _quick;
    private readonly DocumentStore _raw;
    private readonly DocumentStore _chained;
    private readonly DocumentStore _idiomatic;
    private readonly CasePipeline _pipeline;
    private readonly IReadOnlyList<RollEntry> _roll;
    private readonly int _window;

    private BallotBenchmark(DocumentStore ledger, DocumentStore quick, DocumentStore raw, DocumentStore chained, DocumentStore idiomatic,
        CasePipeline pipeline, CasePipeline unvouched, IReadOnlyList<RollEntry> roll, int window)
    {
        _idiomatic = idiomatic;
        _ledger = ledger;
        _unvouched = unvouched;
        _quick = quick;
        _raw = raw;
        _chained = chained;
        _pipeline = pipeline;
        _roll = roll;
        _window = window;
    }

    /// <summary>
    /// The ballots suite: warms every path up on untimed votes of the same size (the JIT settles only
    /// after a few thousand calls), then records whole votes along every path, interleaved window by
    /// window (so a busy moment of a shared machine slows every path alike), round after round, and
    /// prints each round's rates at the start and at the end of the vote, and the median ratios.
    /// </summary>
    public static async Task RunAsync(int households, int window, int rounds)
    {
        await using var database = await BenchDatabase.OpenAsync("bench");
        Console.WriteLine($"CaseLedger ballot benchmark: {households} households, {window} ballots timed at each end, {rounds} rounds, " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        var bench = await CreateAsync(database.ConnectionString, households, window);
        // Vouching must never fold a case again on the normal path: count it, so a slow path shows.
        long refolds = 0;
        using var listener = new System.Diagnostics.Metrics.MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "caseledger.vouching.refolds")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref refolds, value));
        listener.Start();
        var first = await bench.OpenAsync();
        for (var i = 0; i < households; i++)
        {
            await bench.CastAsync(first, i);
        }

        var events = await bench.EventsOfAsync(first);
        var names = new (string Name, string Short)[]
        {
            ("CaseLedger ballot (pipeline: lock, load, vouch, decide, append, read models)", "CaseLedger"),
            ("CaseLedger ballot without vouching (no digests recorded or compared)", "CaseLedger without vouching"),
            ("raw Marten append of the same events (Marten's default Quick append)", "raw Marten"),
            ("raw Marten append, Rich append (CaseLedger's append mode)", "raw Marten, Rich append"),
            ("Rich append + CaseLedger's hash chain and audit trail", "Rich append + chain + audit trail"),
            ("Marten handler: FetchForWriting, inline snapshot", "Marten FetchForWriting + inline snapshot"),
            ("Marten handler: FetchForExclusiveWriting, inline snapshot, + 1 document", "Marten FetchForExclusiveWriting + snapshot + 1 document"),
        };
        async Task<List<Func<int, Task>>> FreshPaths() =>
        [
            await bench.LedgerBallots(bench._pipeline),
            await bench.LedgerBallots(bench._unvouched),
            await bench.RawAppends(bench._quick, events),
            await bench.RawAppends(bench._raw, events),
            await bench.RawAppends(bench._chained, events),
            await bench.MartenHandler(events, exclusive: false),
            await bench.MartenHandler(events, exclusive: true),
        ];

        for (var warmUp = 0; warmUp < WarmUpVotes; warmUp++)
        {
            await bench.InterleavedAsync(await FreshPaths());
        }

        var results = new List<IReadOnlyList<(Rate Start, Rate End)>>();
        for (var round = 1; round <= rounds; round++)
        {
            var rates = await bench.InterleavedAsync(await FreshPaths());
            results.Add(rates);
            Console.WriteLine();
            Console.WriteLine($"round {round}: {"path",-72} {"first " + window,12} {"last " + window,12} {"end/start",10}");
            for (var i = 0; i < names.Length; i++)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"{"",9}{names[i].Name,-72} {rates[i].Start.PerSecond,10:0}/s {rates[i].End.PerSecond,10:0}/s {rates[i].End.PerSecond / rates[i].Start.PerSecond,10:0.00}"));
            }
        }

        Console.WriteLine();
        Console.WriteLine($"Median over {rounds} rounds of CaseLedger's rate divided by each path's, in the same round:");
        for (var i = 1; i < names.Length; i++)
        {
            var start = Median(results.Select(r => r[0].Start.PerSecond / r[i].Start.PerSecond));
            var end = Median(results.Select(r => r[0].End.PerSecond / r[i].End.PerSecond));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CaseLedger / {names[i].Short}: {start:0.00} at the start, {end:0.00} at the end"));
        }

        var flat = Median(results.Select(r => r[0].End.PerSecond / r[0].Start.PerSecond));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"CaseLedger at the end of the vote / at its start: {flat:0.00}"));
        Console.WriteLine($"Cases folded again from their events before a decision (caseledger.vouching.refolds): {Interlocked.Read(ref refolds)}");
        await bench.ClientsAsync(events, Clients, window);
    }

    /// <summary>Whole votes run along every path, untimed, before the timed rounds.</summary>
    private const int WarmUpVotes = 3;

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>
    /// Runs every path over a whole vote, a window at a time in turn: the first window of each path
    /// and the last window of each are timed; the middle is run untimed, interleaved the same way.
    /// </summary>
    private async Task<IReadOnlyList<(Rate Start, Rate End)>> InterleavedAsync(List<Func<int, Task>> paths)
    {
        var starts = await TakenInTurnAsync(paths, 0);

        for (var from = _window; from < _roll.Count - _window; from += _window)
        {
            var to = Math.Min(from + _window, _roll.Count - _window);
            foreach (var path in paths)
            {
                for (var i = from; i < to; i++)
                {
                    await path(i);
                }
            }
        }

        var ends = await TakenInTurnAsync(paths, _roll.Count - _window);
        return starts.Zip(ends).ToList();
    }

    /// <summary>Ballots timed in one window at a time, in turns.</summary>
    private const int Turn = 10;

    /// <summary>
    /// Times the window of ballots from <paramref name="first"/> along every path, <see cref="Turn"/>
    /// ballots at a time in turn, each path's turns summed: whatever the server is doing meanwhile (an
    /// autovacuum after the votes were opened, a checkpoint, another process) falls on every path
    /// alike, not on whichever path happens to be timed first.
    /// </summary>
    private async Task<Rate[]> TakenInTurnAsync(List<Func<int, Task>> paths, int first)
    {
        var elapsed = new TimeSpan[paths.Count];
        for (var from = 0; from < _window; from += Turn)
        {
            var count = Math.Min(Turn, _window - from);
            for (var p = 0; p < paths.Count; p++)
            {
                var path = paths[p];
                elapsed[p] += (await Rate.MeasureAsync(count, i => path(first + from + i))).Elapsed;
            }
        }

        return elapsed.Select(e => new Rate(_window, e)).ToArray();
    }

    private static async Task<BallotBenchmark> CreateAsync(string connection, int households, int window)
    {
        var kinds = new CaseKinds([new RenovationVoteKind()]);
        var ledger = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger(kinds);
        });
        // The same events, tenancy and metadata, but no projection at all: what Marten costs on its own,
        // with its default append mode, and with the Rich mode CaseLedger uses (the hash chain needs each
        // event's version, sequence and time while the append is still in the session).
        var quick = RawStore(connection, "quick_appends", EventAppendMode.QuickWithServerTimestamps, kinds);
        var raw = RawStore(connection, "raw_appends", EventAppendMode.Rich, kinds);
        // CaseLedger's store with no kind: the hash chain and the audit trail, nothing of the vote.
        var chained = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger(new CaseKinds());
            o.DatabaseSchemaName = "chained_appends";
            foreach (var (type, name) in kinds.All[0].EventNames)
            {
                o.Events.MapEventType(type, name);
            }
        });
        foreach (var store in new[] { ledger, quick, raw, chained })
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        var roll = Enumerable.Range(1, households)
            .Select(i => new RollEntry($"B{(i - 1) / 90 + 1}-{i:0000}", $"owner-{i:0000}", 60m + i % 83 + 0.25m * (i % 4)))
            .ToList();
        // The host's pipeline: every document a ballot decides on is compared with the digests its events recorded.
        var pipeline = new CasePipeline(ledger, kinds, kinds.DefaultRules(), TimeProvider.System, evidence: new Audit.ChainEvidence(ledger, kinds));
        // The same, in a store of its own that keeps no digest records, with nothing compared: what vouching costs.
        var plain = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger(kinds, receiptKey: null, digestRecords: false);
            o.DatabaseSchemaName = "unvouched_ledger";
        });
        await plain.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var unvouched = new CasePipeline(plain, kinds, kinds.DefaultRules(), TimeProvider.System);
        // What a user would write instead with Marten alone: the vote's tally as an inline snapshot
        // (folded by the same function), the case fetched for writing, the event appended.
        var idiomatic = DocumentStore.For(o =>
        {
            PeerStore.Configure(o, connection, "idiomatic_handlers", kinds.All[0].EventNames);
            o.Projections.Add(new CaseProjection<VoteTally>(VoteTallyProjection.Evolve, kinds.All[0].EventTypes, typeof(VoteTally)),
                JasperFx.Events.Projections.ProjectionLifecycle.Inline);
            o.Schema.For<MemberBallot>();
        });
        await idiomatic.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        return new BallotBenchmark(ledger, quick, raw, chained, idiomatic, pipeline, unvouched, roll, window);
    }

    private static DocumentStore RawStore(string connection, string schema, EventAppendMode mode, CaseKinds kinds) =>
        DocumentStore.For(o =>
        {
            PeerStore.Configure(o, connection, schema, kinds.All[0].EventNames);
            o.Events.AppendMode = mode;
        });

    private static DateTimeOffset At(int i) => Opened.AddMinutes(10 + i);

    private Task<Guid> OpenAsync() => OpenAsync(_pipeline);

    private async Task<Guid> OpenAsync(CasePipeline pipeline)
    {
        var id = Guid.NewGuid();
        var open = new OpenVote("bench-compound", "Bench", new Proposal("Lifts", 900_000m), _roll, Opened, Opened.AddDays(7));
        var outcome = await pipeline.ExecuteAsync(new CommandRequest(District, id, open, new Acting("bench", Channel.ServiceWindow, Role.Clerk)) { At = Opened });
        return outcome.IsAccepted ? id : throw new InvalidOperationException(outcome.Rejection!.Reason);
    }

    private Task CastAsync(Guid vote, int i) => CastAsync(_pipeline, vote, i);

    private async Task CastAsync(CasePipeline pipeline, Guid vote, int i)
    {
        var ballot = new CastBallot(_roll[i].UnitId, _roll[i].OwnerId, i % 10 == 0 ? BallotChoice.No : BallotChoice.Yes);
        var outcome = await pipeline.ExecuteAsync(new CommandRequest(District, vote, ballot, new Acting(_roll[i].OwnerId, Channel.OnlinePlatform, Role.Resident)) { At = At(i) });
        if (!outcome.IsAccepted || outcome.Appended.Count != 1)
        {
            throw new InvalidOperationException($"Ballot {i} was not recorded: {outcome.Rejection}");
        }
    }

    private async Task<IReadOnlyList<object>> EventsOfAsync(Guid vote)
    {
        await using var query = _ledger.QuerySession(District);
        return (await query.Events.FetchStreamAsync(vote)).Select(e => e.Data).ToList();
    }

    private async Task<Func<int, Task>> LedgerBallots(CasePipeline pipeline)
    {
        var vote = await OpenAsync(pipeline);
        return i => CastAsync(pipeline, vote, i);
    }

    /// <summary>
    /// The handler a user of Marten alone would write for a ballot, on a fresh stream holding the
    /// vote's opening: fetch the case for writing (its tally is an inline snapshot, read in the same
    /// round trip as the stream's version; exclusively, with a row lock, when <paramref name="exclusive"/>),
    /// check the vote is open, append the very event CaseLedger recorded; exclusively, also store the
    /// member's ballot document the event writes (one more document per event).
    /// </summary>
    private async Task<Func<int, Task>> MartenHandler(IReadOnlyList<object> events, bool exclusive)
    {
        var target = Guid.NewGuid();
        await using (var session = _idiomatic.LightweightSession(District))
        {
            session.Events.StartStream<VoteTally>(target, events[0]);
            await session.SaveChangesAsync();
        }

        var kind = new RenovationVoteKind();
        return async i =>
        {
            await using var session = _idiomatic.LightweightSession(District);
            session.LastModifiedBy = _roll[i].OwnerId;
            session.SetHeader(CaseHeaders.Channel, nameof(Channel.OnlinePlatform));
            var stream = exclusive
                ? await session.Events.FetchForExclusiveWriting<VoteTally>(target)
                : await session.Events.FetchForWriting<VoteTally>(target);
            if (stream.Aggregate is not { Status: VoteStatus.Open })
            {
                throw new InvalidOperationException("The vote is not open.");
            }

            var ballot = events[i + 1];
            stream.AppendOne(ballot);
            if (exclusive)
            {
                foreach (var written in kind.Documents.Where(d => d.Type == typeof(MemberBallot)).SelectMany(d => d.From(ballot)))
                {
                    session.Store((MemberBallot)written.Document);
                }
            }

            await session.SaveChangesAsync();
        };
    }

    /// <summary>Clients casting ballots at once, each on a vote of its own.</summary>
    private const int Clients = 8;

    /// <summary>
    /// <paramref name="clients"/> clients at once, each on its own vote, along CaseLedger's path and the
    /// two Marten handlers in turn (twice, the first untimed): ballots per second over all clients.
    /// </summary>
    private async Task ClientsAsync(IReadOnlyList<object> events, int clients, int ballots)
    {
        var paths = new (string Name, Func<Task<Func<int, Task>>> Fresh)[]
        {
            ("CaseLedger ballot", () => LedgerBallots(_pipeline)),
            ("Marten FetchForWriting + inline snapshot", () => MartenHandler(events, exclusive: false)),
            ("Marten FetchForExclusiveWriting + snapshot + 1 document", () => MartenHandler(events, exclusive: true)),
        };
        var rates = new double[paths.Length];
        for (var pass = 0; pass < 2; pass++)
        {
            for (var p = 0; p < paths.Length; p++)
            {
                var votes = new List<Func<int, Task>>();
                for (var c = 0; c < clients; c++)
                {
                    votes.Add(await paths[p].Fresh());
                }

                var clock = System.Diagnostics.Stopwatch.StartNew();
                await Task.WhenAll(votes.Select(vote => Task.Run(async () =>
                {
                    for (var i = 0; i < ballots; i++)
                    {
                        await vote(i);
                    }
                })));
                rates[p] = clients * ballots / clock.Elapsed.TotalSeconds;
            }
        }

        Console.WriteLine();
        Console.WriteLine($"{clients} clients at once, each casting {ballots} ballots on a vote of its own (the second of two passes):");
        for (var p = 0; p < paths.Length; p++)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{"",9}{paths[p].Name,-72} {rates[p],10:0}/s   CaseLedger / this: {rates[0] / rates[p]:0.00}"));
        }
    }

    /// <summary>The events CaseLedger wrote for one vote, appended again to a fresh stream of another store, one per transaction.</summary>
    private async Task<Func<int, Task>> RawAppends(DocumentStore store, IReadOnlyList<object> events)
    {
        var target = Guid.NewGuid();
        await using (var session = store.LightweightSession(District))
        {
            session.Events.StartStream(target, events[0]);
            await session.SaveChangesAsync();
        }

        return async i =>
        {
            await using var session = store.LightweightSession(District);
            session.LastModifiedBy = _roll[i].OwnerId;
            session.SetHeader(CaseHeaders.Channel, nameof(Channel.OnlinePlatform));
            session.Events.Append(target, events[i + 1]);
            await session.SaveChangesAsync();
        };
    }
}
