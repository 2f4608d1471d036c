using System.Net.Sockets;
using CaseLedger.Hosting;
using Npgsql;

namespace CaseLedger.Tests.Hosting;

// What the HTTP edge answers 503 database.unavailable for, and what the store logs as a lost race:
// told apart by the failure alone, however deeply the store and Wolverine wrapped it.
public sealed class when_a_database_call_fails
{
    private static PostgresException Server(string sqlState) => new("message", "FATAL", "FATAL", sqlState);

    [Fact]
    public void a_refused_or_broken_connection_means_the_database_is_unavailable()
    {
        DatabaseFailures.IsUnavailable(new NpgsqlException("Failed to connect", new SocketException((int)SocketError.ConnectionRefused))).ShouldBeTrue();
        DatabaseFailures.IsUnavailable(new NpgsqlException("Exception while reading from stream", new EndOfStreamException())).ShouldBeTrue();
        DatabaseFailures.IsUnavailable(new SocketException((int)SocketError.ConnectionReset)).ShouldBeTrue();
    }

    [Theory]
    [InlineData("57P01")] // the server is shutting down
    [InlineData("57P02")] // it crashed, and is restarting its backends
    [InlineData("57P03")] // it is starting up or recovering
    [InlineData("53300")] // too many connections
    [InlineData("08006")] // the connection failed
    public void a_server_that_cannot_serve_now_means_the_database_is_unavailable(string sqlState)
    {
        DatabaseFailures.IsUnavailable(Server(sqlState)).ShouldBeTrue();
        DatabaseFailures.IsConflict(Server(sqlState)).ShouldBeFalse();
    }

    [Theory]
    [InlineData("23505")] // a unique key taken first: a case opened twice, a stream version written twice
    [InlineData("40001")]
    [InlineData("40P01")]
    public void a_write_that_met_another_is_a_conflict_not_an_outage(string sqlState)
    {
        DatabaseFailures.IsConflict(Server(sqlState)).ShouldBeTrue();
        DatabaseFailures.IsUnavailable(Server(sqlState)).ShouldBeFalse();
    }

    [Fact]
    public void a_failure_is_found_inside_the_exceptions_that_wrap_it()
    {
        var wrapped = new InvalidOperationException("Marten Command Failure", new NpgsqlException("Failed to connect", new SocketException()));

        DatabaseFailures.IsUnavailable(wrapped).ShouldBeTrue();
        DatabaseFailures.IsUnavailable(new AggregateException(new ArgumentException("first"), wrapped)).ShouldBeTrue();
        DatabaseFailures.IsConflict(new InvalidOperationException("save failed", Server("23505"))).ShouldBeTrue();
    }

    [Fact]
    public void a_bug_or_a_bad_statement_is_neither()
    {
        DatabaseFailures.IsUnavailable(new InvalidOperationException("a bug")).ShouldBeFalse();
        DatabaseFailures.IsUnavailable(Server("42P01")).ShouldBeFalse(); // no such table
        DatabaseFailures.IsUnavailable(new NpgsqlOperationInProgressException(new NpgsqlCommand("select 1"))).ShouldBeFalse();
        DatabaseFailures.IsConflict(Server("42P01")).ShouldBeFalse();
        DatabaseFailures.IsUnavailable(null).ShouldBeFalse();
    }
}
