using System.Diagnostics;

namespace CaseLedger.IntegrationTests.Cli;

/// <summary>Runs the host executable's command-line verbs as a separate process, as a user would.</summary>
public static class HostCli
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Task<Result> RunAsync(string? connectionString, params string[] arguments) =>
        RunAsync(connectionString, new Dictionary<string, string>(), arguments);

    /// <summary>The same, with more environment variables (which win over the defaults here).</summary>
    public static async Task<Result> RunAsync(string? connectionString, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "CaseLedger.Host.dll"));
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__CaseLedger"] = connectionString ?? "";
        // The test hosts' data folder: the same signing key, never the machine's own.
        start.Environment["CaseLedger__DataFolder"] = Infrastructure.LedgerHost.DataFolder;
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);
        return new Result(process.ExitCode, await output, await error);
    }
}
