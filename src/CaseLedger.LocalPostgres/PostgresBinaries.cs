using System.Text.RegularExpressions;

namespace CaseLedger.LocalPostgres;

/// <summary>The folder holding a PostgreSQL installation's server programs.</summary>
internal sealed partial record PostgresBinaries(string Folder)
{
    public const string BinDirVariable = "CASELEDGER_PG_BINDIR";

    private static readonly string[] ServerPrograms = ["initdb", "pg_ctl", "postgres"];

    public string InitDb => Program("initdb");

    public string PgCtl => Program("pg_ctl");

    /// <summary>The server itself, which CaseLedger runs directly only in single-user mode, to set the superuser's password.</summary>
    public string Postgres => Program("postgres");

    private string Program(string name) => Path.Combine(Folder, Executable(name));

    public static Task<PostgresBinaries> LocateAsync(CancellationToken ct) =>
        LocateAsync(Environment.GetEnvironmentVariable, ct);

    /// <summary>
    /// Looks where installations usually put the server programs. <paramref name="getEnvironmentVariable"/>
    /// is a parameter so tests can point <see cref="BinDirVariable"/> somewhere without changing the
    /// process environment under tests that run in parallel.
    /// </summary>
    internal static async Task<PostgresBinaries> LocateAsync(Func<string, string?> getEnvironmentVariable, CancellationToken ct)
    {
        // An explicit setting that is wrong is reported rather than silently passed over, or the
        // user would get some other installation than the one they asked for.
        var configured = getEnvironmentVariable(BinDirVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return HasServerPrograms(configured)
                ? new PostgresBinaries(Path.GetFullPath(configured))
                : throw new PostgresNotInstalledException(PostgresNotInstalledException.Describe(
                    $"{BinDirVariable} is set to '{configured}', which does not hold all three"));
        }

        var path = getEnvironmentVariable("PATH") ?? "";
        var looked = new List<string>();

        var fromPgConfig = await AskPgConfigAsync(path, ct);
        if (fromPgConfig is not null)
        {
            if (HasServerPrograms(fromPgConfig))
            {
                return new PostgresBinaries(fromPgConfig);
            }

            // Debian's postgresql-common wraps pg_config in /usr/bin even with only the client installed.
            looked.Add($"pg_config --bindir: {fromPgConfig}");
        }

        foreach (var folder in FoldersOfProgramsOnPath(path))
        {
            if (HasServerPrograms(folder))
            {
                return new PostgresBinaries(folder);
            }
        }

        looked.Add("PATH");

        foreach (var folder in WellKnownFolders())
        {
            if (HasServerPrograms(folder))
            {
                return new PostgresBinaries(folder);
            }
        }

        looked.Add("/usr/lib/postgresql/*/bin, /usr/local/pgsql/bin, Homebrew's opt/postgresql*/bin");
        throw new PostgresNotInstalledException(PostgresNotInstalledException.Describe("looked in " + string.Join("; ", looked)));
    }

    private static async Task<string?> AskPgConfigAsync(string path, CancellationToken ct)
    {
        var pgConfig = ProcessRunner.FindOnPath("pg_config", path);
        if (pgConfig is null)
        {
            return null;
        }

        try
        {
            var result = await ProcessRunner.RunAsync(pgConfig, ["--bindir"], TimeSpan.FromSeconds(10), ct, throwOnFailure: false);
            var folder = result.StandardOutput.Trim();
            return result.Succeeded && folder.Length > 0 ? folder : null;
        }
        catch (Exception e) when (e is InvalidOperationException or TimeoutException)
        {
            // A broken pg_config is no reason to give up: the other places may still hold the programs.
            return null;
        }
    }

    /// <summary>
    /// The folders of initdb, pg_ctl and postgres found on PATH: first where their symbolic links lead,
    /// then where they were found, because a PATH entry (Debian's /usr/local/bin, say) may hold links or
    /// wrapper scripts while the real installation, with all three programs together, lives elsewhere.
    /// </summary>
    private static IEnumerable<string> FoldersOfProgramsOnPath(string path)
    {
        var found = ServerPrograms
            .Select(name => ProcessRunner.FindOnPath(name, path))
            .OfType<string>()
            .ToList();
        var resolved = found.Select(LinkTarget).OfType<string>();
        return resolved.Concat(found)
            .Select(Path.GetDirectoryName)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal);
    }

    private static string? LinkTarget(string file)
    {
        try
        {
            return File.ResolveLinkTarget(file, returnFinalTarget: true)?.FullName;
        }
        catch (IOException)
        {
            // A link loop or a dangling link leads nowhere useful; the file's own folder is still tried.
            return null;
        }
    }

    private static IEnumerable<string> WellKnownFolders()
    {
        if (OperatingSystem.IsWindows())
        {
            var programFiles = Environment.GetFolderPath(Environment.SpecialFolder.ProgramFiles);
            return NewestFirst(Path.Combine(programFiles, "PostgreSQL"), "*", "bin");
        }

        return NewestFirst("/usr/lib/postgresql", "*", "bin")
            .Append("/usr/local/pgsql/bin")
            .Concat(NewestFirst("/opt/homebrew/opt", "postgresql*", "bin"))
            .Concat(NewestFirst("/usr/local/opt", "postgresql*", "bin"));
    }

    /// <summary>
    /// The <paramref name="leaf"/> folders under <paramref name="root"/>/<paramref name="pattern"/>,
    /// highest version first, so a machine with PostgreSQL 15 and 17 side by side runs 17.
    /// </summary>
    private static List<string> NewestFirst(string root, string pattern, string leaf)
    {
        if (!Directory.Exists(root))
        {
            return [];
        }

        try
        {
            return Directory.EnumerateDirectories(root, pattern)
                .OrderByDescending(VersionIn)
                .Select(folder => Path.Combine(folder, leaf))
                .ToList();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    private static Version VersionIn(string folder)
    {
        var match = VersionPattern().Match(Path.GetFileName(folder));
        return match.Success && Version.TryParse(
            match.Value.Contains('.', StringComparison.Ordinal) ? match.Value : match.Value + ".0",
            out var version)
            ? version
            : new Version(0, 0);
    }

    private static bool HasServerPrograms(string folder) =>
        ServerPrograms.All(name => File.Exists(Path.Combine(folder, Executable(name))));

    private static string Executable(string name) =>
        OperatingSystem.IsWindows() ? name + ".exe" : name;

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex VersionPattern();
}
