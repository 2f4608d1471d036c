using System.Diagnostics;
using CaseLedger.LocalPostgres;
using Microsoft.Extensions.Logging;
using Npgsql;
using Xunit.Abstractions;

namespace CaseLedger.IntegrationTests.LocalPostgres;

// Each class starts clusters of its own in folders of its own, so the classes can run in parallel and
// need no shared fixture.

public sealed class when_starting_a_throwaway_cluster(ITestOutputHelper output) : IAsyncLifetime
{
    private LocalPostgresCluster cluster = null!;

    public async Task InitializeAsync() =>
        cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions
            {
                DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory(),
                Database = "throwaway_tests",
                DeleteOnDispose = true,
            },
            new TestOutputLogger(output));

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    [Fact]
    public async Task it_answers_queries_in_the_requested_database()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();

        (await Scalar<int>(connection, "select 1")).ShouldBe(1);
        (await Scalar<string>(connection, "select current_database()")).ShouldBe("throwaway_tests");
        (await Scalar<string>(connection, "select current_user")).ShouldBe("postgres");
    }

    [Fact]
    public void it_was_started_by_us_on_a_loopback_port_in_the_given_folder()
    {
        cluster.StartedByUs.ShouldBeTrue();
        cluster.Port.ShouldBeInRange(1, 65535);
        cluster.ConnectionString.ShouldContain("127.0.0.1");
        File.Exists(Path.Combine(cluster.DataDirectory, "PG_VERSION")).ShouldBeTrue();
    }

    [Fact]
    public async Task it_runs_without_durability_because_nothing_in_it_must_survive()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();

        (await Scalar<string>(connection, "select current_setting('fsync')")).ShouldBe("off");
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

public sealed class when_starting_again_on_a_folder_whose_server_runs(ITestOutputHelper output) : IAsyncLifetime
{
    private LocalPostgresCluster first = null!;

    public async Task InitializeAsync() =>
        first = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory(), DeleteOnDispose = true },
            new TestOutputLogger(output));

    public async Task DisposeAsync() => await first.DisposeAsync();

    [Fact]
    public async Task it_reuses_the_running_server_on_the_same_port()
    {
        await using var second = await StartSecondAsync();

        second.StartedByUs.ShouldBeFalse();
        second.Port.ShouldBe(first.Port);
        second.DataDirectory.ShouldBe(first.DataDirectory);
    }

    [Fact]
    public async Task disposing_the_second_leaves_the_server_and_its_folder_to_the_first()
    {
        var second = await StartSecondAsync();
        await second.DisposeAsync();

        Directory.Exists(first.DataDirectory).ShouldBeTrue();
        await using var connection = new NpgsqlConnection(first.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("select 1", connection);
        (await command.ExecuteScalarAsync()).ShouldBe(1);
    }

    // Asks for deletion too, to show that a reused server's folder is not deleted under it.
    private Task<LocalPostgresCluster> StartSecondAsync() =>
        LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = first.DataDirectory, Database = "second", DeleteOnDispose = true },
            new TestOutputLogger(output));
}

public sealed class when_disposing_a_throwaway_cluster(ITestOutputHelper output)
{
    [Fact]
    public async Task it_stops_the_server_and_deletes_its_folders()
    {
        var cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory(), DeleteOnDispose = true },
            new TestOutputLogger(output));
        var postmaster = PostmasterProcessId(cluster.DataDirectory);

        await cluster.DisposeAsync();

        Directory.Exists(cluster.DataDirectory).ShouldBeFalse();
        Directory.Exists(cluster.DataDirectory + "-socket").ShouldBeFalse();
        ProcessRuns(postmaster).ShouldBeFalse();
        await using var connection = new NpgsqlConnection(cluster.ConnectionString + ";Pooling=false;Timeout=2");
        await Should.ThrowAsync<NpgsqlException>(() => connection.OpenAsync());
    }

    private static int PostmasterProcessId(string dataDirectory) =>
        int.Parse(File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).First(), System.Globalization.CultureInfo.InvariantCulture);

    private static bool ProcessRuns(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            // A stopped server whose parent has not reaped it yet lingers as a zombie, which is not running.
            return !process.HasExited && !IsZombie(processId);
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    private static bool IsZombie(int processId)
    {
        var stat = $"/proc/{processId}/stat";
        if (!File.Exists(stat))
        {
            return false;
        }

        var text = File.ReadAllText(stat);
        return text[(text.LastIndexOf(')') + 2)..].StartsWith('Z');
    }
}

public sealed class when_the_folder_holds_a_postmaster_pid_left_by_a_server_that_is_gone(ITestOutputHelper output)
{
    [Fact]
    public async Task it_starts_a_server_anyway()
    {
        var folder = LocalPostgresCluster.CreateThrowawayDirectory();
        try
        {
            var pidFile = Path.Combine(folder, "postmaster.pid");
            var earlier = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = folder }, new TestOutputLogger(output));
            var leftBehind = await File.ReadAllTextAsync(pidFile);
            await earlier.DisposeAsync();
            // What a crash leaves: the file of a postmaster that no longer runs.
            await File.WriteAllTextAsync(pidFile, leftBehind);

            await using var again = await LocalPostgresCluster.StartAsync(
                new LocalPostgresOptions { DataDirectory = folder, DeleteOnDispose = true },
                new TestOutputLogger(output));

            again.StartedByUs.ShouldBeTrue();
            await using var connection = new NpgsqlConnection(again.ConnectionString);
            await connection.OpenAsync();
            await using var command = new NpgsqlCommand("select 1", connection);
            (await command.ExecuteScalarAsync()).ShouldBe(1);
        }
        finally
        {
            foreach (var leftover in new[] { folder, folder + "-socket" }.Where(Directory.Exists))
            {
                Directory.Delete(leftover, recursive: true);
            }

            File.Delete(folder + ".password");
            File.Delete(folder + ".lock");
        }
    }
}

public sealed class when_the_server_dies_under_the_cluster_that_looks_after_it(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private LocalPostgresCluster owner = null!;
    private LocalPostgresCluster user = null!;
    private int killed;

    // Not a throwaway cluster: those skip durability, and the row written before the kill must survive it.
    public async Task InitializeAsync()
    {
        owner = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory() }, new TestOutputLogger(output));
        user = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = owner.DataDirectory }, new TestOutputLogger(output));
        await Execute(owner, "create table kept (id int); insert into kept values (1)");
        killed = Infrastructure.HostProcess.PostmasterIdIn(owner.DataDirectory)!.Value;
        Infrastructure.HostProcess.Kill(killed);
        (await Infrastructure.HostProcess.EventuallyAsync(() => Task.FromResult(!Infrastructure.HostProcess.Runs(killed)), Patience)).ShouldBeTrue();
    }

    public async Task DisposeAsync()
    {
        await user.DisposeAsync();
        await owner.DisposeAsync();
        await Infrastructure.HostProcess.DeleteClusterAsync(owner.DataDirectory);
    }

    [Fact]
    public async Task the_one_that_started_it_starts_it_again_on_the_same_port_with_its_data()
    {
        owner.OwnsServer.ShouldBeTrue();
        user.OwnsServer.ShouldBeFalse();
        (await user.EnsureRunningAsync()).ShouldBeFalse("only the instance that looks after the server starts it again");

        (await Infrastructure.HostProcess.EventuallyAsync(RestartedAsync, Patience)).ShouldBeTrue();

        Infrastructure.HostProcess.PostmasterIdIn(owner.DataDirectory).ShouldNotBe(killed);
        (await Execute(user, "select count(*) from kept")).ShouldBe(1L);
        (await owner.EnsureRunningAsync()).ShouldBeFalse("a running server is left alone");
    }

    private async Task<bool> RestartedAsync()
    {
        try
        {
            return await owner.EnsureRunningAsync();
        }
        catch (InvalidOperationException)
        {
            // The killed server's last backends may hold its shared memory for a moment; the next call tries again.
            return false;
        }
    }

    private static async Task<object?> Execute(LocalPostgresCluster cluster, string sql)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

public sealed class when_no_server_binaries_can_be_found
{
    [Fact]
    public async Task it_says_what_to_install_and_where_to_point()
    {
        var emptyFolder = Directory.CreateTempSubdirectory("caseledger-no-pg-").FullName;
        try
        {
            var thrown = await Should.ThrowAsync<PostgresNotInstalledException>(() =>
                PostgresBinaries.LocateAsync(name => name == PostgresBinaries.BinDirVariable ? emptyFolder : null, CancellationToken.None));

            thrown.Message.ShouldContain("apt-get install postgresql");
            thrown.Message.ShouldContain("CASELEDGER_PG_BINDIR");
            thrown.Message.ShouldContain(emptyFolder);
        }
        finally
        {
            Directory.Delete(emptyFolder);
        }
    }
}

/// <summary>Shows the cluster's log lines (data folder, port, started or reused) in the test output.</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        try
        {
            output.WriteLine($"[{logLevel}] {formatter(state, exception)}{(exception is null ? "" : Environment.NewLine + exception)}");
        }
        catch (InvalidOperationException)
        {
            // xunit refuses output once a test has finished; a late log line is not worth failing over.
        }
    }
}
