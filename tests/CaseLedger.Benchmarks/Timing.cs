using System.Diagnostics;

namespace CaseLedger.Benchmarks;

/// <summary>A throughput over a timed run of operations.</summary>
internal readonly record struct Rate(int Operations, TimeSpan Elapsed)
{
    public double PerSecond => Operations / Elapsed.TotalSeconds;

    public static async Task<Rate> MeasureAsync(int operations, Func<int, Task> operation)
    {
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < operations; i++)
        {
            await operation(i);
        }

        return new Rate(operations, watch.Elapsed);
    }
}

/// <summary>The durations of the timed runs of one operation, one after another.</summary>
internal sealed class Samples
{
    private readonly double[] _sortedMs;

    private Samples(double[] milliseconds)
    {
        _sortedMs = milliseconds.Order().ToArray();
    }

    public int Runs => _sortedMs.Length;

    public double MedianMs => Runs % 2 == 1
        ? _sortedMs[Runs / 2]
        : (_sortedMs[Runs / 2 - 1] + _sortedMs[Runs / 2]) / 2;

    /// <summary>The 95th percentile by nearest rank: no more than 5% of the runs took longer.</summary>
    public double P95Ms => _sortedMs[(int)Math.Ceiling(0.95 * Runs) - 1];

    /// <summary>The 99th percentile by nearest rank: no more than 1% of the runs took longer.</summary>
    public double P99Ms => _sortedMs[(int)Math.Ceiling(0.99 * Runs) - 1];

    /// <summary>Runs per second over the timed runs as a whole.</summary>
    public double PerSecond => Runs / (_sortedMs.Sum() / 1000);

    /// <summary>Runs the operation <paramref name="warmUps"/> times untimed, then times each of <paramref name="runs"/> runs.</summary>
    public static async Task<Samples> MeasureAsync(int warmUps, int runs, Func<Task> operation)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(runs, 1);
        for (var i = 0; i < warmUps; i++)
        {
            await operation();
        }

        var milliseconds = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await operation();
            milliseconds[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }

        return new Samples(milliseconds);
    }
}
