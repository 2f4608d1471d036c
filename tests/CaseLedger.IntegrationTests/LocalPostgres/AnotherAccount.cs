using System.Diagnostics;
using System.Globalization;
using CaseLedger.LocalPostgres;

namespace CaseLedger.IntegrationTests.LocalPostgres;

/// <summary>
/// Someone else on the machine trying the embedded cluster with psql: the OS account <c>nobody</c> when the
/// tests run as root (as they do here and on CI), which can reach the port and the socket but was given
/// nothing else; otherwise the tests' own account, which then has no other account to be, without the password.
/// </summary>
internal static class AnotherAccount
{
    public const string Name = "nobody";

    // Root's PATH in a container or a CI job does not always include the sbin folders.
    private static readonly string[] RunuserFallbacks = ["/usr/sbin/runuser", "/sbin/runuser"];

    /// <summary>What psql prints when the server wants a password it was not given, or was given a wrong one.</summary>
    public static readonly string[] AuthenticationFailures = ["no password supplied", "password authentication failed"];

    /// <summary>Whether the attempts really run as another OS account (the tests run as root).</summary>
    public static bool IsAnotherOsAccount => ServerAccount.ProcessIsRoot;

    public sealed record Attempt(int ExitCode, string Output)
    {
        public bool SignedIn => ExitCode == 0 && Output.Contains("signed in as postgres", StringComparison.Ordinal);

        public bool RefusedForWantOfThePassword => ExitCode != 0 && AuthenticationFailures.Any(f => Output.Contains(f, StringComparison.Ordinal));
    }

    /// <summary>
    /// Connects as the superuser <c>postgres</c> to <paramref name="host"/> (an address, or the folder of the
    /// Unix socket) and <paramref name="port"/>, with <paramref name="password"/> if given and no other, and
    /// asks who it is.
    /// </summary>
    public static async Task<Attempt> ConnectAsync(string host, int port, string? password = null)
    {
        var psql = await PsqlAsync();
        var start = new ProcessStartInfo(IsAnotherOsAccount ? Runuser() : psql)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            // nobody may not read the folder the tests run in; psql does not need it.
            WorkingDirectory = "/",
        };
        if (IsAnotherOsAccount)
        {
            foreach (var argument in new[] { "-u", Name, "--", psql })
            {
                start.ArgumentList.Add(argument);
            }
        }

        foreach (var argument in new[]
                 {
                     "-h", host, "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-d", "postgres",
                     // -w: never ask for a password; -X: no ~/.psqlrc.
                     "-w", "-X", "-A", "-t", "-c", "select 'signed in as ' || current_user",
                 })
        {
            start.ArgumentList.Add(argument);
        }

        // Only the password given here, never one from a password file or the tests' own environment.
        start.Environment["PGPASSFILE"] = "/dev/null";
        start.Environment["PGCONNECT_TIMEOUT"] = "10";
        start.Environment.Remove("PGPASSWORD");
        if (password is not null)
        {
            start.Environment["PGPASSWORD"] = password;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("psql did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var patience = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await process.WaitForExitAsync(patience.Token);
        return new Attempt(process.ExitCode, await output + await error);
    }

    /// <summary>Whether the other account can read <paramref name="file"/> (as root: as <c>nobody</c>).</summary>
    public static async Task<bool> CanReadAsync(string file)
    {
        if (!IsAnotherOsAccount)
        {
            throw new InvalidOperationException("Only root can try a file as another account.");
        }

        var start = new ProcessStartInfo(Runuser()) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
        foreach (var argument in new[] { "-u", Name, "--", "cat", file })
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("runuser did not start.");
        _ = await process.StandardOutput.ReadToEndAsync();
        _ = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0;
    }

    private static async Task<string> PsqlAsync()
    {
        var besideTheServer = Path.Combine((await PostgresBinaries.LocateAsync(CancellationToken.None)).Folder, "psql");
        return File.Exists(besideTheServer) ? besideTheServer : ProcessRunner.FindOnPath("psql")
            ?? throw new InvalidOperationException("psql, PostgreSQL's client, is not installed.");
    }

    private static string Runuser() =>
        ProcessRunner.FindOnPath("runuser") ?? RunuserFallbacks.First(File.Exists);
}
