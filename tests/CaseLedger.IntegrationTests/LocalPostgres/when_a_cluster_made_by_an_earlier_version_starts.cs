using CaseLedger.IntegrationTests.Infrastructure;
using CaseLedger.LocalPostgres;
using Npgsql;
using Xunit.Abstractions;

namespace CaseLedger.IntegrationTests.LocalPostgres;

// Clusters made before the password trusted every local connection; the first start of this version
// upgrades them, whether it finds the server stopped or still running. Each story first shows that another
// account gets into the earlier cluster, so the refusal afterwards is the upgrade's doing.

public sealed class when_a_stopped_cluster_made_by_an_earlier_version_starts(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string folder = LocalPostgresCluster.CreateThrowawayDirectory();
    private LocalPostgresCluster? upgraded;
    private bool gotInBefore;

    public async Task InitializeAsync()
    {
        var earlier = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = folder }, new TestOutputLogger(output));
        gotInBefore = await EarlierVersion.MakeAsync(earlier);
        await earlier.DisposeAsync();

        upgraded = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = folder, DeleteOnDispose = true }, new TestOutputLogger(output));
    }

    public async Task DisposeAsync()
    {
        if (upgraded is not null)
        {
            await upgraded.DisposeAsync();
        }

        await HostProcess.DeleteClusterAsync(folder);
    }

    [Fact]
    public void before_the_upgrade_another_account_got_in()
    {
        gotInBefore.ShouldBeTrue();
    }

    [Fact]
    public async Task afterwards_another_account_is_refused_for_want_of_the_password()
    {
        var attempt = await AnotherAccount.ConnectAsync("127.0.0.1", upgraded!.Port);

        attempt.RefusedForWantOfThePassword.ShouldBeTrue(attempt.Output);
    }

    [Fact]
    public async Task the_host_gets_in_with_a_new_password_kept_beside_the_folder_and_nothing_is_trusted()
    {
        File.Exists(upgraded!.PasswordFile).ShouldBeTrue();
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(upgraded.PasswordFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        (await EarlierVersion.RulesThatSkipThePasswordAsync(upgraded)).ShouldBe(0);
    }
}

public sealed class when_a_running_cluster_made_by_an_earlier_version_is_found(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly string folder = LocalPostgresCluster.CreateThrowawayDirectory();
    private LocalPostgresCluster? earlier;
    private LocalPostgresCluster? upgraded;
    private bool gotInBefore;
    private bool refusedAfter;

    public async Task InitializeAsync()
    {
        earlier = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = folder }, new TestOutputLogger(output));
        gotInBefore = await EarlierVersion.MakeAsync(earlier);

        upgraded = await LocalPostgresCluster.StartAsync(new LocalPostgresOptions { DataDirectory = folder }, new TestOutputLogger(output));
        // The server reads its new pg_hba.conf on a signal, a moment after the upgrade asked it to.
        refusedAfter = await HostProcess.EventuallyAsync(
            async () => (await AnotherAccount.ConnectAsync("127.0.0.1", upgraded.Port)).RefusedForWantOfThePassword, TimeSpan.FromSeconds(20));
    }

    public async Task DisposeAsync()
    {
        foreach (var cluster in new[] { upgraded, earlier })
        {
            if (cluster is not null)
            {
                await cluster.DisposeAsync();
            }
        }

        await HostProcess.DeleteClusterAsync(folder);
    }

    [Fact]
    public void before_the_upgrade_another_account_got_in()
    {
        gotInBefore.ShouldBeTrue();
    }

    [Fact]
    public void the_server_it_found_is_used_rather_than_started_again()
    {
        upgraded!.StartedByUs.ShouldBeFalse();
        upgraded.Port.ShouldBe(earlier!.Port);
    }

    [Fact]
    public void afterwards_another_account_is_refused_for_want_of_the_password()
    {
        refusedAfter.ShouldBeTrue();
    }

    [Fact]
    public async Task the_host_gets_in_with_the_new_password_and_nothing_is_trusted()
    {
        (await EarlierVersion.RulesThatSkipThePasswordAsync(upgraded!)).ShouldBe(0);
    }
}

/// <summary>Turns a cluster back into what earlier versions made, and looks at what its server trusts.</summary>
internal static class EarlierVersion
{
    // What initdb --auth=trust wrote, which earlier versions ran.
    private const string TrustingRules =
        """
        local   all             all                                     trust
        host    all             all             127.0.0.1/32            trust
        host    all             all             ::1/128                 trust
        local   replication     all                                     trust
        host    replication     all             127.0.0.1/32            trust
        host    replication     all             ::1/128                 trust

        """;

    /// <summary>
    /// A superuser with no password, initdb's trusting pg_hba.conf (read by the running server) and no password
    /// file. Returns whether another account then gets in, which it must.
    /// </summary>
    public static async Task<bool> MakeAsync(LocalPostgresCluster cluster)
    {
        await using (var connection = new NpgsqlConnection(cluster.ConnectionString))
        {
            await connection.OpenAsync();
            await Execute(connection, "alter role postgres password null");
            await using (var stream = new FileStream(Path.Combine(cluster.DataDirectory, "pg_hba.conf"), FileMode.Truncate, FileAccess.Write))
            await using (var writer = new StreamWriter(stream))
            {
                await writer.WriteAsync(TrustingRules);
            }

            await Execute(connection, "select pg_reload_conf()");
            NpgsqlConnection.ClearPool(connection);
        }

        File.Delete(cluster.PasswordFile);
        return await HostProcess.EventuallyAsync(
            async () => (await AnotherAccount.ConnectAsync("127.0.0.1", cluster.Port)).SignedIn, TimeSpan.FromSeconds(20));
    }

    /// <summary>The rules of the server's pg_hba.conf that let a connection in without the password (or that it cannot read).</summary>
    public static async Task<long> RulesThatSkipThePasswordAsync(LocalPostgresCluster cluster)
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "select count(*) from pg_hba_file_rules where auth_method <> 'scram-sha-256' or error is not null", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private static async Task Execute(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
