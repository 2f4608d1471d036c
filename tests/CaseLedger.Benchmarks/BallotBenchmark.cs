using System.Globalization;
using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;
using JasperFx;
using Marten;

namespace CaseLedger.Benchmarks;

/// <summary>
/// Three ways of recording the ballots of one full vote, each on its own stream, one transaction per
/// ballot, timing the first and the last <c>window</c> ballots:
/// CaseLedger's path (inline snapshot + tally, decision on the snapshot), raw appends of the very same
/// events with no projection or decision, and the naive path that replays the stream for every ballot.
/// </summary>
internal sealed class BallotBenchmark
{
    private const string District = "bench";
    private static readonly DateTimeOffset Opened = new(2025, 5, 5, 1, 0, 0, TimeSpan.Zero);

    private readonly DocumentStore _ledger;
    private readonly DocumentStore _raw;
    private readonly IReadOnlyList<RollEntry> _roll;
    private readonly RenovationVoteRules _rules = RuleBook.Default().Get<RenovationVoteRules>(RenovationVoteRules.RuleId, "2");

    private BallotBenchmark(DocumentStore ledger, DocumentStore raw, IReadOnlyList<RollEntry> roll)
    {
        _ledger = ledger;
        _raw = raw;
        _roll = roll;
    }

    /// <summary>The ballots suite: warms up on one untimed vote, runs the three paths and prints their rates.</summary>
    public static async Task RunAsync(int households, int window)
    {
        await using var database = await BenchDatabase.OpenAsync("bench");
        Console.WriteLine($"CaseLedger ballot benchmark: {households} households, {window} ballots timed at each end, " +
                          $"{Environment.ProcessorCount} cores, .NET {Environment.Version}, {DateTime.UtcNow:yyyy-MM-dd}");
        var bench = await CreateAsync(database.ConnectionString, households);
        // Warm up the JIT (tiered compilation settles only after many calls), Marten's and Npgsql's caches
        // and the server on a whole vote of the same size that is not timed.
        await bench.WarmUpAsync(households);
        var results = new List<(string Name, Rate Start, Rate End)>
        {
            await bench.CaseLedgerBallotsAsync(window),
            await bench.RawAppendsAsync(window),
            await bench.ReplayEveryBallotAsync(window),
        };

        Console.WriteLine();
        Console.WriteLine($"{"path",-52} {"first " + window,12} {"last " + window,12} {"end/start",10}");
        foreach (var (name, start, end) in results)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-52} {start.PerSecond,10:0}/s {end.PerSecond,10:0}/s {end.PerSecond / start.PerSecond,10:0.00}"));
        }
    }

    private static async Task<BallotBenchmark> CreateAsync(string connection, int households)
    {
        var ledger = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger().AddRenovationVotes();
        });
        // The same events, tenancy and metadata, but no projections: what Marten costs on its own.
        var raw = DocumentStore.For(o =>
        {
            o.Connection(connection);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.AddCaseLedger();
            o.DatabaseSchemaName = "raw_appends";
            foreach (var (type, name) in RenovationVoteKind.EventNames)
            {
                o.Events.MapEventType(type, name);
            }
        });
        await ledger.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await raw.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        var roll = Enumerable.Range(1, households)
            .Select(i => new RollEntry($"B{(i - 1) / 90 + 1}-{i:0000}", $"owner-{i:0000}", 60m + i % 83 + 0.25m * (i % 4)))
            .ToList();
        return new BallotBenchmark(ledger, raw, roll);
    }

    private CastBallot Ballot(Guid vote, int i) =>
        new(vote, _roll[i].UnitId, _roll[i].OwnerId, i % 10 == 0 ? BallotChoice.No : BallotChoice.Yes);

    private static DateTimeOffset At(int i) => Opened.AddMinutes(10 + i);

    private async Task<Guid> OpenAsync()
    {
        var id = Guid.NewGuid();
        await using var session = _ledger.LightweightSession(District);
        var outcome = await CaseCommands.StartAsync<RenovationVote>(session, id, new Acting("bench", Channel.ServiceWindow), () =>
            OpeningAVote.Decide(new OpenVote(id, "bench-compound", "Bench", new Proposal("Lifts", 900_000m), _roll, Opened, Opened.AddDays(7)),
                Channel.ServiceWindow, Opened, _rules));
        return outcome.IsAccepted ? id : throw new InvalidOperationException(outcome.Rejection!.Reason);
    }

    private async Task CastAsync(Guid vote, int i)
    {
        await using var session = _ledger.LightweightSession(District);
        var outcome = await CaseCommands.ExecuteAsync<RenovationVote>(session, vote, null, new Acting(_roll[i].OwnerId, Channel.OnlinePlatform),
            state => CastingABallot.Decide(Ballot(vote, i), state, At(i)));
        if (!outcome.IsAccepted || outcome.Appended.Count != 1)
        {
            throw new InvalidOperationException($"Ballot {i} was not recorded: {outcome.Rejection}");
        }
    }

    /// <summary>Runs the untimed middle of a vote so the last window is timed on a nearly full vote.</summary>
    private async Task<(Rate Start, Rate End)> RunAsync(Func<int, Task> ballot)
    {
        var window = _window;
        var start = await Rate.MeasureAsync(window, ballot);
        for (var i = window; i < _roll.Count - window; i++)
        {
            await ballot(i);
        }

        var end = await Rate.MeasureAsync(window, i => ballot(_roll.Count - window + i));
        return (start, end);
    }

    private int _window;

    public async Task WarmUpAsync(int ballots)
    {
        var vote = await OpenAsync();
        for (var i = 0; i < ballots; i++)
        {
            await CastAsync(vote, i);
        }
    }

    public async Task<(string, Rate, Rate)> CaseLedgerBallotsAsync(int window)
    {
        _window = window;
        var vote = await OpenAsync();
        var (start, end) = await RunAsync(i => CastAsync(vote, i));
        return ("CaseLedger ballot (snapshot, decide, append, tally)", start, end);
    }

    public async Task<(string, Rate, Rate)> RawAppendsAsync(int window)
    {
        _window = window;
        // The events CaseLedger wrote for one vote, appended again with no decision and no projection.
        var source = await OpenAsync();
        for (var i = 0; i < _roll.Count; i++)
        {
            await CastAsync(source, i);
        }

        await using var query = _ledger.QuerySession(District);
        var events = (await query.Events.FetchStreamAsync(source)).Select(e => e.Data).ToList();
        var target = Guid.NewGuid();
        await using (var session = _raw.LightweightSession(District))
        {
            session.Events.StartStream(target, events[0]);
            await session.SaveChangesAsync();
        }

        var (start, end) = await RunAsync(async i =>
        {
            await using var session = _raw.LightweightSession(District);
            session.LastModifiedBy = _roll[i].OwnerId;
            session.Events.Append(target, events[i + 1]);
            await session.SaveChangesAsync();
        });
        return ("raw Marten append of the same events", start, end);
    }

    public async Task<(string, Rate, Rate)> ReplayEveryBallotAsync(int window)
    {
        _window = window;
        var vote = await OpenAsync();
        var (start, end) = await RunAsync(async i =>
        {
            await using var session = _ledger.LightweightSession(District);
            var events = await session.Events.FetchStreamAsync(vote);
            var state = Fold.Events<RenovationVote>(RenovationVoteProjection.Evolve, events.Select(e => e.Data))!;
            var decision = CastingABallot.Decide(Ballot(vote, i), state, At(i));
            session.Events.Append(vote, events.Count + decision.Events.Count, decision.Events.ToArray());
            await session.SaveChangesAsync();
        });
        return ("naive: replay the whole stream for every ballot", start, end);
    }
}
