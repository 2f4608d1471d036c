using System.Diagnostics;
using System.Text.Json;
using CaseLedger.IntegrationTests.Infrastructure;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>
/// Redocly CLI, the OpenAPI linter pinned in <c>tools/openapi-lint</c> (package.json and
/// package-lock.json), run with the machine's Node.js. Its packages are installed with <c>npm ci</c>
/// from the lock file when they are missing or older than it; nothing else is downloaded.
/// </summary>
public static class OpenApiLinter
{
    /// <summary>What Redocly CLI 2.77 declares it needs (its package.json's engines).</summary>
    private static readonly Version LeastNode = new(20, 19, 0);

    public sealed record Problem(string Rule, string Severity, string Message, string Where)
    {
        public override string ToString() => $"{Severity} {Rule} at {Where}: {Message}";
    }

    public sealed record Report(int Errors, int Warnings, IReadOnlyList<Problem> Problems);

    public static string Folder => Path.Combine(LedgerHost.RepositoryRoot(), "tools", "openapi-lint");

    /// <summary>
    /// Lints a description with the folder's <c>redocly.yaml</c> (the recommended rules) and
    /// <c>.redocly.lint-ignore.yaml</c> (the problems that do not apply, each with its reason): the
    /// description is written as <c>openapi.json</c> beside copies of both in a folder of its own.
    /// </summary>
    public static async Task<Report> LintAsync(string description)
    {
        await EnsureInstalledAsync();
        var work = Directory.CreateTempSubdirectory("caseledger-openapi-lint-");
        try
        {
            foreach (var file in new[] { "redocly.yaml", ".redocly.lint-ignore.yaml" })
            {
                File.Copy(Path.Combine(Folder, file), Path.Combine(work.FullName, file));
            }

            await File.WriteAllTextAsync(Path.Combine(work.FullName, "openapi.json"), description);
            return await LintFolderAsync(work.FullName);
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }

    private static async Task<Report> LintFolderAsync(string work)
    {
        var run = await RunAsync("npx", ["--no", "redocly", "lint", Path.Combine(work, "openapi.json"), "--config", Path.Combine(work, "redocly.yaml"),
            "--format", "json", "--max-problems", "10000"]);
        // Redocly exits non-zero when it finds errors; its report on standard output says what they are.
        var json = run.Output.IndexOf('{', StringComparison.Ordinal) is var start and >= 0 ? run.Output[start..] : "";
        if (json.Length == 0)
        {
            throw new InvalidOperationException($"Redocly CLI printed no report (exit {run.ExitCode}): {run.Error}");
        }

        var report = JsonDocument.Parse(json).RootElement;
        var totals = report.GetProperty("totals");
        var problems = report.GetProperty("problems").EnumerateArray().Select(p => new Problem(
                p.GetProperty("ruleId").GetString()!,
                p.GetProperty("severity").GetString()!,
                p.GetProperty("message").GetString()!,
                p.GetProperty("location").EnumerateArray().FirstOrDefault() is { ValueKind: JsonValueKind.Object } at
                    && at.TryGetProperty("pointer", out var pointer) ? pointer.GetString()! : "?"))
            .ToList();
        return new Report(totals.GetProperty("errors").GetInt32(), totals.GetProperty("warnings").GetInt32(), problems);
    }

    /// <summary>
    /// Node.js and npm must be on the machine (CI installs them with apt, see .ci/run); the linter's
    /// packages are installed from the lock file when missing or when the lock file is newer.
    /// </summary>
    private static async Task EnsureInstalledAsync()
    {
        (int ExitCode, string Output, string Error) node;
        try
        {
            node = await RunAsync("node", ["--version"]);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            throw new InvalidOperationException(
                $"The API description is linted with Redocly CLI, which needs Node.js {LeastNode} or later and npm: none is installed here. " +
                "Install them (Debian: apt-get install nodejs npm; .ci/run does) and run the tests again.");
        }

        var version = Version.Parse(node.Output.Trim().TrimStart('v').Split('-')[0]);
        if (version < LeastNode)
        {
            throw new InvalidOperationException(
                $"Redocly CLI (tools/openapi-lint) needs Node.js {LeastNode} or later; this machine has {version}.");
        }

        var installed = Path.Combine(Folder, "node_modules", ".package-lock.json");
        if (File.Exists(installed) && File.GetLastWriteTimeUtc(installed) >= File.GetLastWriteTimeUtc(Path.Combine(Folder, "package-lock.json")))
        {
            return;
        }

        var install = await RunAsync("npm", ["ci", "--no-audit", "--no-fund"]);
        if (install.ExitCode != 0)
        {
            throw new InvalidOperationException($"npm ci in {Folder} failed (exit {install.ExitCode}):\n{install.Output}\n{install.Error}");
        }
    }

    private static async Task<(int ExitCode, string Output, string Error)> RunAsync(string program, IReadOnlyList<string> arguments)
    {
        var start = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Folder,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        // Redocly CLI would otherwise send usage data and look for a newer version of itself: a test run
        // talks to no one but the registry npm ci installs from.
        start.Environment["REDOCLY_TELEMETRY"] = "off";
        start.Environment["REDOCLY_SUPPRESS_UPDATE_NOTICE"] = "true";
        start.Environment["NO_COLOR"] = "1";
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
