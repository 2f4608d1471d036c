using System.Diagnostics;
using System.Globalization;

namespace CaseLedger.LocalPostgres;

/// <summary>
/// What a data folder's <c>postmaster.pid</c> says about the server that holds it: line 1 is the
/// postmaster's process id, line 4 its port (PostgreSQL documents the layout in pidfile.h).
/// </summary>
internal sealed record PostmasterPidFile(int ProcessId, int? Port, string Identity)
{
    public const string FileName = "postmaster.pid";

    public static readonly PostmasterPidFile Unreadable = new(0, null, "");

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>
    /// Reads the file, or returns <see langword="null"/> when there is none. A file that exists but cannot be
    /// read or parsed yet is reported as <see cref="Unreadable"/>, since the postmaster may be mid-write.
    /// </summary>
    public static PostmasterPidFile? Read(string dataDirectory)
    {
        string text;
        try
        {
            text = File.ReadAllText(PathIn(dataDirectory));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Unreadable;
        }

        var lines = text.Split('\n');
        if (!int.TryParse(lines[0].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid <= 0)
        {
            return Unreadable;
        }

        int? port = lines.Length > 3 && int.TryParse(lines[3].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var p) && p > 0
            ? p
            : null;
        return new PostmasterPidFile(pid, port, IdentityOf(text));
    }

    // The process id and data folder lines never change while the server runs; later lines (socket,
    // listen address, status) are rewritten during start-up and shutdown.
    private static string IdentityOf(string text) => string.Join('\n', text.Split('\n').Take(2));

    public bool IsUnreadable => ProcessId == 0;

    /// <summary>Whether any process with <see cref="ProcessId"/> exists at all, one that has ended but not been reaped included.</summary>
    public bool ProcessExists()
    {
        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return !process.HasExited;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the process with <see cref="ProcessId"/> still runs: a killed or stopped postmaster lingers
    /// as a zombie until its parent (init, or in a container whatever runs as process 1) reaps it, and
    /// serves nothing meanwhile. The server itself still takes a zombie for a running postmaster and
    /// refuses to start until it is reaped.
    /// </summary>
    public bool ProcessRuns() => ProcessExists() && !IsZombie(ProcessId);

    private static bool IsZombie(int processId)
    {
        if (!OperatingSystem.IsLinux())
        {
            return false;
        }

        try
        {
            var stat = File.ReadAllText($"/proc/{processId.ToString(CultureInfo.InvariantCulture)}/stat");
            // The state follows the command name, which is in parentheses and may itself hold any character.
            var state = stat.LastIndexOf(')') + 2;
            return state < stat.Length && stat[state] == 'Z';
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the live process with <see cref="ProcessId"/> is this data folder's postmaster rather than an
    /// unrelated process that inherited the number after a crash. <see langword="null"/> when we cannot tell.
    /// </summary>
    public bool? ProcessBelongsTo(string dataDirectory)
    {
        // Every process of a cluster works inside its data folder; on Linux /proc shows that folder, and
        // reading our pid file through it proves it is the same folder without resolving any links.
        if (OperatingSystem.IsLinux())
        {
            try
            {
                var seenByProcess = File.ReadAllText($"/proc/{ProcessId.ToString(CultureInfo.InvariantCulture)}/cwd/{FileName}");
                return IdentityOf(seenByProcess) == Identity;
            }
            catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
            {
                return false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another user's process; fall through to its name.
            }
        }

        try
        {
            using var process = Process.GetProcessById(ProcessId);
            return process.ProcessName is "postgres" or "postmaster" ? null : false;
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
