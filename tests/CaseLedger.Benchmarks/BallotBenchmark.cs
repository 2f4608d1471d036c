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
/// pipeline: lock and load the small state, read the unit's and member's roll documents, decide,
/// append, update the state, the tally, the member document, the hash chain and the audit trail)
/// against raw Marten appends of the very same events to a fresh stream (same tenancy and metadata,
/// no decision, no projection), and, to show where the difference goes, the same raw appends with
/// CaseLedger's hash chain and audit trail. One transaction per ballot; the first and the last
/// <c>window</c> ballots of a full vote are timed.
/// </summary>
internal sealed class BallotBenchmark
{
    private const string District = "bench";
    private static readonly DateTimeOffset Opened = new(2025, 5, 5, 1, 0, 0, TimeSpan.Zero);

    private readonly DocumentStore _ledger;
    private readonly DocumentStore _raw;
    private readonly DocumentStore _chained;
    private readonly CasePipeline _pipeline;
    private readonly IReadOnlyList<RollEntry> _roll;
    private readonly int _window;

    private BallotBenchmark(DocumentStore ledger, DocumentStore raw, DocumentStore chained, CasePipeline pipeline, IReadOnlyList<RollEntry> roll, int window)
    {
        _ledger = ledger;
        _raw = raw;
        _chained = chained;
        _pipeline = pipeline;
        _roll = roll;
        _window = window;
    }

    /// <summary>The ballots suite: warms up on one untimed vote, runs the paths and prints their rates and ratios.</summary>
    public static async Task RunAsync(int households, int window)
    {
        await using var database = await BenchDatabase.OpenAsync("bench");
        Console.WriteLine($"CaseLedger ballot benchmark: {households} households, {window} ballots timed at each end, " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        var bench = await CreateAsync(database.ConnectionString, households, window);
        // Warm up the JIT (tiered compilation settles only after many calls), Marten's and Npgsql's caches
        // and the server on a whole vote of the same size that is not timed.
        var warmUp = await bench.OpenAsync();
        for (var i = 0; i < households; i++)
        {
            await bench.CastAsync(warmUp, i);
        }

        var events = await bench.EventsOfAsync(warmUp);
        var ledger = await bench.TimeAsync(bench.LedgerBallots);
        var raw = await bench.TimeAsync(bench.RawAppends(bench._raw, events));
        var chained = await bench.TimeAsync(bench.RawAppends(bench._chained, events));

        Console.WriteLine();
        Console.WriteLine($"{"path",-58} {"first " + window,12} {"last " + window,12} {"end/start",10}");
        Print("CaseLedger ballot (pipeline: lock, load, decide, append, read models)", ledger);
        Print("raw Marten append of the same events (no projection)", raw);
        Print("raw append + CaseLedger's hash chain and audit trail", chained);
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CaseLedger / raw Marten: {ledger.Start.PerSecond / raw.Start.PerSecond:0.00} at the start, {ledger.End.PerSecond / raw.End.PerSecond:0.00} at the end"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"CaseLedger / raw append with chain and audit trail: {ledger.Start.PerSecond / chained.Start.PerSecond:0.00} at the start, {ledger.End.PerSecond / chained.End.PerSecond:0.00} at the end"));
    }

    private static void Print(string name, (Rate Start, Rate End) rates) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{name,-58} {rates.Start.PerSecond,10:0}/s {rates.End.PerSecond,10:0}/s {rates.End.PerSecond / rates.Start.PerSecond,10:0.00}"));

    private static async Task<BallotBenchmark> CreateAsync(string connection, int households, int window)
    {
        var kinds = new CaseKinds([new RenovationVoteKind()]);
        var ledger = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger(kinds);
        });
        // The same events, tenancy and metadata, but no projection at all: what Marten costs on its own.
        var raw = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.DatabaseSchemaName = "raw_appends";
            o.Events.StreamIdentity = StreamIdentity.AsGuid;
            o.Events.TenancyStyle = JasperFx.MultiTenancy.TenancyStyle.Conjoined;
            o.Events.MetadataConfig.HeadersEnabled = true;
            o.Events.MetadataConfig.CausationIdEnabled = true;
            o.Events.MetadataConfig.CorrelationIdEnabled = true;
            o.Events.MetadataConfig.UserNameEnabled = true;
            o.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
            foreach (var (type, name) in kinds.All[0].EventNames)
            {
                o.Events.MapEventType(type, name);
            }
        });
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
        foreach (var store in new[] { ledger, raw, chained })
        {
            await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        }

        var roll = Enumerable.Range(1, households)
            .Select(i => new RollEntry($"B{(i - 1) / 90 + 1}-{i:0000}", $"owner-{i:0000}", 60m + i % 83 + 0.25m * (i % 4)))
            .ToList();
        var pipeline = new CasePipeline(ledger, kinds, kinds.DefaultRules(), TimeProvider.System);
        return new BallotBenchmark(ledger, raw, chained, pipeline, roll, window);
    }

    private static DateTimeOffset At(int i) => Opened.AddMinutes(10 + i);

    private async Task<Guid> OpenAsync()
    {
        var id = Guid.NewGuid();
        var open = new OpenVote("bench-compound", "Bench", new Proposal("Lifts", 900_000m), _roll, Opened, Opened.AddDays(7));
        var outcome = await _pipeline.ExecuteAsync(new CommandRequest(District, id, open, new Acting("bench", Channel.ServiceWindow)) { At = Opened });
        return outcome.IsAccepted ? id : throw new InvalidOperationException(outcome.Rejection!.Reason);
    }

    private async Task CastAsync(Guid vote, int i)
    {
        var ballot = new CastBallot(_roll[i].UnitId, _roll[i].OwnerId, i % 10 == 0 ? BallotChoice.No : BallotChoice.Yes);
        var outcome = await _pipeline.ExecuteAsync(new CommandRequest(District, vote, ballot, new Acting(_roll[i].OwnerId, Channel.OnlinePlatform)) { At = At(i) });
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

    /// <summary>Times the first window of ballots, runs the untimed middle, and times the last window, on a fresh case.</summary>
    private async Task<(Rate Start, Rate End)> TimeAsync(Func<Task<Func<int, Task>>> begin)
    {
        var ballot = await begin();
        var start = await Rate.MeasureAsync(_window, ballot);
        for (var i = _window; i < _roll.Count - _window; i++)
        {
            await ballot(i);
        }

        var end = await Rate.MeasureAsync(_window, i => ballot(_roll.Count - _window + i));
        return (start, end);
    }

    private async Task<Func<int, Task>> LedgerBallots()
    {
        var vote = await OpenAsync();
        return i => CastAsync(vote, i);
    }

    /// <summary>The events CaseLedger wrote for one vote, appended again to a fresh stream of another store, one per transaction.</summary>
    private Func<Task<Func<int, Task>>> RawAppends(DocumentStore store, IReadOnlyList<object> events) => async () =>
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
    };
}
