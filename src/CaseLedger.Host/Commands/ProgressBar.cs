using System.Globalization;
using Spectre.Console;

namespace CaseLedger.Host.Commands;

/// <summary>
/// A progress bar with a rate and an ETA for a long verb (rebuild, verify), drawn on standard error so
/// standard output carries only the verb's report (and stays clean JSON where a verb prints JSON).
/// </summary>
internal static class ProgressBar
{
    /// <summary>Runs <paramref name="work"/>, which reports (done, total) events, under a bar titled <paramref name="title"/>.</summary>
    public static async Task<T> RunAsync<T>(string title, Func<IProgress<(long Done, long Total)>, Task<T>> work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Error) });
        var result = default(T)!;
        await console.Progress()
            .AutoClear(false)
            .HideCompleted(false)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(),
                new SpinnerColumn())
            .StartAsync(async context =>
            {
                var task = context.AddTask(Markup.Escape(title), maxValue: 1);
                var started = DateTime.UtcNow;
                var progress = new Reporter((done, total) =>
                {
                    var seconds = (DateTime.UtcNow - started).TotalSeconds;
                    task.MaxValue = Math.Max(1, total);
                    task.Value = Math.Min(done, task.MaxValue);
                    task.Description = Markup.Escape(string.Create(CultureInfo.InvariantCulture,
                        $"{title}: {done:N0} of {total:N0} events{(seconds > 0.5 ? $", {done / seconds:N0}/s" : "")}"));
                });
                result = await work(progress);
                task.Value = task.MaxValue;
                task.StopTask();
            });
        return result;
    }

    /// <summary>A progress of another shape, passed on to the bar as it is reported (on the reporting thread, in order).</summary>
    public static IProgress<T> Of<T>(IProgress<(long Done, long Total)> bar, Func<T, (long Done, long Total)> map) =>
        new Mapped<T>(value => bar.Report(map(value)));

    private sealed class Mapped<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }

    /// <summary>Reports on the reporting thread (the workers'), which Spectre's task allows.</summary>
    private sealed class Reporter(Action<long, long> report) : IProgress<(long Done, long Total)>
    {
        public void Report((long Done, long Total) value) => report(value.Done, value.Total);
    }
}
