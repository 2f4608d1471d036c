using System.ComponentModel;
using System.Diagnostics;

namespace CaseLedger.LocalPostgres;

/// <summary>What an external command printed and how it ended.</summary>
internal sealed record ProcessResult(string CommandLine, int ExitCode, string StandardOutput, string StandardError)
{
    public bool Succeeded => ExitCode == 0;

    public string Describe() =>
        $"`{CommandLine}` exited with code {ExitCode}." +
        Section("stdout", StandardOutput) +
        Section("stderr", StandardError);

    private static string Section(string name, string text) =>
        string.IsNullOrWhiteSpace(text) ? "" : $"{Environment.NewLine}{name}:{Environment.NewLine}{text.TrimEnd()}";
}

/// <summary>Runs external commands with captured output and a time limit.</summary>
internal static class ProcessRunner
{
    // Grandchildren that keep our pipes open would otherwise make us wait for output forever.
    private static readonly TimeSpan OutputGrace = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Runs <paramref name="fileName"/> and waits for it. Standard input gets <paramref name="standardInput"/>, if
    /// any, and is then closed, so a program that asks a question fails at once instead of waiting for an answer.
    /// </summary>
    public static async Task<ProcessResult> RunAsync(
        string fileName,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken ct,
        bool throwOnFailure = true,
        string? standardInput = null)
    {
        var commandLine = string.Join(' ', new[] { fileName }.Concat(arguments).Select(QuoteForDisplay));
        var startInfo = new ProcessStartInfo(fileName)
        {
            UseShellExecute = false,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        // initdb and pg_ctl (PostgreSQL 15 and older) call getcwd() and fail when the postgres user
        // cannot read the folder we happen to run in, such as /root.
        if (!OperatingSystem.IsWindows())
        {
            startInfo.WorkingDirectory = "/";
        }

        using var process = new Process { StartInfo = startInfo };
        try
        {
            process.Start();
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"Could not run `{commandLine}`: {e.Message}", e);
        }

        if (standardInput is not null)
        {
            try
            {
                await process.StandardInput.WriteAsync(standardInput.AsMemory(), ct);
            }
            catch (IOException)
            {
                // The program ended without reading it all; its exit code and output say why.
            }
        }

        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var stderr = process.StandardError.ReadToEndAsync(CancellationToken.None);

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(ct);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            try
            {
                process.Kill(entireProcessTree: true);
            }
            catch (InvalidOperationException)
            {
                // It exited between the time-out and the kill.
            }

            ct.ThrowIfCancellationRequested();
            throw new TimeoutException(
                $"`{commandLine}` did not finish within {timeout.TotalSeconds:0} s." +
                await CollectAsync(stdout, stderr));
        }

        var result = new ProcessResult(
            commandLine,
            process.ExitCode,
            await WithGraceAsync(stdout),
            await WithGraceAsync(stderr));
        if (throwOnFailure && !result.Succeeded)
        {
            throw new InvalidOperationException(result.Describe());
        }

        return result;
    }

    private static async Task<string> CollectAsync(Task<string> stdout, Task<string> stderr)
    {
        var output = (await WithGraceAsync(stdout)) + (await WithGraceAsync(stderr));
        return string.IsNullOrWhiteSpace(output) ? "" : $"{Environment.NewLine}Output so far:{Environment.NewLine}{output.TrimEnd()}";
    }

    private static async Task<string> WithGraceAsync(Task<string> output)
    {
        var finished = await Task.WhenAny(output, Task.Delay(OutputGrace));
        return finished == output ? await output : "(output unavailable: a child process kept it open)";
    }

    private static string QuoteForDisplay(string argument) =>
        argument.Length > 0 && !argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'')
            ? argument
            : "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>Finds an executable on PATH the way a shell would, or returns <see langword="null"/>.</summary>
    public static string? FindOnPath(string name, string? path = null)
    {
        path ??= Environment.GetEnvironmentVariable("PATH") ?? "";
        foreach (var folder in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(folder, OperatingSystem.IsWindows() ? name + ".exe" : name);
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        return null;
    }
}
