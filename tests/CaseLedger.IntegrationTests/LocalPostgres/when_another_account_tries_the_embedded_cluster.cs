using CaseLedger.LocalPostgres;
using Npgsql;
using Xunit.Abstractions;

namespace CaseLedger.IntegrationTests.LocalPostgres;

// Another account on the machine reaches the cluster's port and socket like anyone, and is refused for want
// of the password; given the password, the very same attempt gets in, so what stops it is the password alone.
public sealed class when_another_account_tries_the_embedded_cluster(ITestOutputHelper output) : IAsyncLifetime
{
    private LocalPostgresCluster cluster = null!;

    public async Task InitializeAsync() =>
        cluster = await LocalPostgresCluster.StartAsync(
            new LocalPostgresOptions { DataDirectory = LocalPostgresCluster.CreateThrowawayDirectory(), DeleteOnDispose = true },
            new TestOutputLogger(output));

    public async Task DisposeAsync() => await cluster.DisposeAsync();

    private string SocketFolder => cluster.DataDirectory + "-socket";

    private string Password => File.ReadAllText(cluster.PasswordFile).Trim();

    [Fact]
    public async Task it_is_refused_over_loopback_for_want_of_the_password()
    {
        var attempt = await AnotherAccount.ConnectAsync("127.0.0.1", cluster.Port);

        output.WriteLine(attempt.Output);
        attempt.SignedIn.ShouldBeFalse();
        attempt.RefusedForWantOfThePassword.ShouldBeTrue(attempt.Output);
    }

    [Fact]
    public async Task it_is_refused_over_the_unix_socket_for_want_of_the_password()
    {
        Directory.Exists(SocketFolder).ShouldBeTrue("the server listens on a socket beside its data folder");

        var attempt = await AnotherAccount.ConnectAsync(SocketFolder, cluster.Port);

        output.WriteLine(attempt.Output);
        attempt.SignedIn.ShouldBeFalse();
        attempt.RefusedForWantOfThePassword.ShouldBeTrue(attempt.Output);
    }

    [Fact]
    public async Task a_wrong_password_is_refused()
    {
        var attempt = await AnotherAccount.ConnectAsync("127.0.0.1", cluster.Port, password: "postgres");

        attempt.SignedIn.ShouldBeFalse();
        attempt.Output.ShouldContain("password authentication failed");
    }

    [Fact]
    public async Task the_same_attempt_with_the_password_gets_in_over_loopback_and_the_socket()
    {
        // The control: were the account unable to reach the server at all, the refusals above would prove nothing.
        var overLoopback = await AnotherAccount.ConnectAsync("127.0.0.1", cluster.Port, Password);
        var overTheSocket = await AnotherAccount.ConnectAsync(SocketFolder, cluster.Port, Password);

        overLoopback.SignedIn.ShouldBeTrue(overLoopback.Output);
        overTheSocket.SignedIn.ShouldBeTrue(overTheSocket.Output);
    }

    [Fact]
    public async Task the_password_file_is_for_the_hosts_account_alone()
    {
        cluster.PasswordFile.ShouldBe(cluster.DataDirectory + ".password");
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(cluster.PasswordFile).ShouldBe(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        if (AnotherAccount.IsAnotherOsAccount)
        {
            (await AnotherAccount.CanReadAsync(cluster.PasswordFile)).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task the_server_trusts_no_connection_and_holds_only_the_passwords_verifier()
    {
        await using var connection = new NpgsqlConnection(cluster.ConnectionString);
        await connection.OpenAsync();

        (await Scalar<long>(connection, "select count(*) from pg_hba_file_rules where auth_method <> 'scram-sha-256' or error is not null"))
            .ShouldBe(0);
        (await Scalar<long>(connection, "select count(*) from pg_hba_file_rules")).ShouldBeGreaterThan(0);
        (await Scalar<string>(connection, "select rolpassword from pg_authid where rolname = 'postgres'")).ShouldStartWith("SCRAM-SHA-256$");
        new NpgsqlConnectionStringBuilder(cluster.ConnectionString).Password.ShouldBe(Password);
        File.ReadAllText(Path.Combine(cluster.DataDirectory, "server.log")).ShouldNotContain(Password);
    }

    private static async Task<T> Scalar<T>(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}
