namespace CaseLedger.LocalPostgres;

/// <summary>
/// The operating-system account the server programs run under. PostgreSQL refuses to run as root, so a
/// root process (CI, containers, our own sessions) runs them as the <c>postgres</c> user instead and
/// hands that user the folders it needs; any other user runs them as itself.
/// </summary>
internal sealed class ServerAccount
{
    private const string PostgresUser = "postgres";

    private static readonly UnixFileMode Traversable =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherExecute;

    // Root's PATH in a container or a CI job does not always include the sbin folders.
    private static readonly string[] RunuserFallbacks = ["/usr/sbin/runuser", "/sbin/runuser"];

    private readonly string? runuser;

    private ServerAccount(string? runuser) => this.runuser = runuser;

    /// <summary>True when the programs run as <c>postgres</c> on behalf of a root process.</summary>
    public bool SwitchesUser => runuser is not null;

    /// <summary>
    /// Whether this process runs as root. <see cref="Environment.IsPrivilegedProcess"/> is geteuid() == 0 on
    /// Unix; on Windows it means "administrator", which pg_ctl handles itself by dropping privileges.
    /// </summary>
    public static bool ProcessIsRoot => !OperatingSystem.IsWindows() && Environment.IsPrivilegedProcess;

    public static async Task<ServerAccount> ForThisProcessAsync(CancellationToken ct)
    {
        if (!ProcessIsRoot)
        {
            return new ServerAccount(null);
        }

        var runuser = ProcessRunner.FindOnPath("runuser")
            ?? RunuserFallbacks.FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                "This process runs as root, and PostgreSQL refuses to run as root, but runuser (util-linux) was not " +
                "found to run it as the 'postgres' user. Install util-linux, or run as a normal user.");

        var id = await ProcessRunner.RunAsync("id", ["-u", PostgresUser], TimeSpan.FromSeconds(10), ct, throwOnFailure: false);
        if (!id.Succeeded)
        {
            throw new InvalidOperationException(
                "This process runs as root, and PostgreSQL refuses to run as root, so the server runs as the OS user " +
                "'postgres', which does not exist here. Create it (useradd --system --create-home postgres; Debian's " +
                "postgresql package does this), or run as a normal user.");
        }

        return new ServerAccount(runuser);
    }

    public Task<ProcessResult> RunAsync(
        string program,
        IReadOnlyList<string> arguments,
        TimeSpan timeout,
        CancellationToken ct,
        bool throwOnFailure = true,
        string? standardInput = null) =>
        runuser is null
            ? ProcessRunner.RunAsync(program, arguments, timeout, ct, throwOnFailure, standardInput)
            : ProcessRunner.RunAsync(runuser, ["-u", PostgresUser, "--", program, .. arguments], timeout, ct, throwOnFailure, standardInput);

    /// <summary>
    /// Creates <paramref name="folder"/> and whatever parents it lacks. When switching user, the parents we
    /// create are opened for traversal (a root umask of 077 would lock postgres out) and the folder itself is
    /// handed to postgres. Returns whether the folder had to be created.
    /// </summary>
    public async Task<bool> CreateFolderAsync(string folder, CancellationToken ct)
    {
        var missing = new Stack<string>();
        for (var current = folder; current is not null && !Directory.Exists(current); current = Path.GetDirectoryName(current))
        {
            missing.Push(current);
        }

        var created = missing.Count > 0;
        while (missing.TryPop(out var next))
        {
            Directory.CreateDirectory(next);
            if (SwitchesUser && !OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(next, Traversable);
            }
        }

        if (SwitchesUser && (created || !Directory.EnumerateFileSystemEntries(folder).Any()))
        {
            // Only folders we made or that are still empty: re-owning a foreign, populated folder is not ours to do.
            await ProcessRunner.RunAsync("chown", ["-R", PostgresUser + ":", folder], TimeSpan.FromMinutes(1), ct);
        }

        return created;
    }

    /// <summary>
    /// Fails with advice when the server's account cannot write <paramref name="folder"/>. Checked up front
    /// because initdb's own message ("could not change permissions" or "Permission denied") does not say that
    /// a parent such as /root (mode 700) is what stands in the way.
    /// </summary>
    public async Task EnsureCanWriteAsync(string folder, CancellationToken ct)
    {
        if (!SwitchesUser)
        {
            return;
        }

        var test = await RunAsync("test", ["-w", folder, "-a", "-x", folder], TimeSpan.FromSeconds(10), ct, throwOnFailure: false);
        if (test.Succeeded)
        {
            return;
        }

        var closed = Ancestors(folder)
            .Where(parent => !OperatingSystem.IsWindows() && !File.GetUnixFileMode(parent).HasFlag(UnixFileMode.OtherExecute))
            .ToList();
        throw new InvalidOperationException(
            $"The 'postgres' OS user, which runs the server because this process is root, cannot write '{folder}'." +
            (closed.Count > 0
                ? $" These parent folders are closed to other users: {string.Join(", ", closed)}."
                : "") +
            " Choose a data folder outside private home folders (the default is /var/lib/caseledger/postgres) or open the parents (chmod o+x).");
    }

    private static IEnumerable<string> Ancestors(string folder)
    {
        for (var parent = Path.GetDirectoryName(folder); parent is not null; parent = Path.GetDirectoryName(parent))
        {
            yield return parent;
        }
    }
}
