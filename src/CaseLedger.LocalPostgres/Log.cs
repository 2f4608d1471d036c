using Microsoft.Extensions.Logging;

namespace CaseLedger.LocalPostgres;

/// <summary>The cluster's log messages, generated so that disabled levels cost nothing.</summary>
internal static partial class Log
{
    [LoggerMessage(1, LogLevel.Information, "PostgreSQL programs: {BinaryFolder}; they run as {Account}")]
    public static partial void UsingBinaries(this ILogger logger, string binaryFolder, string account);

    [LoggerMessage(2, LogLevel.Information, "Initialising a new PostgreSQL cluster in {DataDirectory}")]
    public static partial void Initialising(this ILogger logger, string dataDirectory);

    [LoggerMessage(3, LogLevel.Information, "Started PostgreSQL on 127.0.0.1:{Port}; data in {DataDirectory}, server log {LogFile}")]
    public static partial void Started(this ILogger logger, int port, string dataDirectory, string logFile);

    [LoggerMessage(4, LogLevel.Information, "Reusing the PostgreSQL server already running on 127.0.0.1:{Port}; data in {DataDirectory}")]
    public static partial void Reusing(this ILogger logger, int port, string dataDirectory);

    [LoggerMessage(5, LogLevel.Warning, "Port {RequestedPort} was asked for, but the server already running on {DataDirectory} listens on {Port}; using {Port}")]
    public static partial void ReusingOnOtherPort(this ILogger logger, int requestedPort, string dataDirectory, int port);

    [LoggerMessage(6, LogLevel.Information, "Created database {Database}")]
    public static partial void CreatedDatabase(this ILogger logger, string database);

    [LoggerMessage(7, LogLevel.Information, "{DataDirectory}/postmaster.pid names process {ProcessId}, which is not this cluster's running server; removed the file as stale")]
    public static partial void RemovedStalePidFile(this ILogger logger, string dataDirectory, int processId);

    [LoggerMessage(8, LogLevel.Information, "{DataDirectory}/postmaster.pid names process {ProcessId}, which is no longer running; starting anyway")]
    public static partial void DeadPidFile(this ILogger logger, string dataDirectory, int processId);

    [LoggerMessage(9, LogLevel.Information, "Port {Port} was taken before the server could bind it; trying another")]
    public static partial void PortTaken(this ILogger logger, int port);

    [LoggerMessage(10, LogLevel.Information, "Stopped PostgreSQL on 127.0.0.1:{Port} (data in {DataDirectory})")]
    public static partial void Stopped(this ILogger logger, int port, string dataDirectory);

    [LoggerMessage(11, LogLevel.Information, "Left PostgreSQL running on 127.0.0.1:{Port} (data in {DataDirectory}): {Reason}")]
    public static partial void LeftRunning(this ILogger logger, int port, string dataDirectory, string reason);

    [LoggerMessage(12, LogLevel.Information, "Deleted {DataDirectory}")]
    public static partial void Deleted(this ILogger logger, string dataDirectory);

    [LoggerMessage(13, LogLevel.Warning, "Did not delete {DataDirectory}: a server still runs on it")]
    public static partial void NotDeletedWhileRunning(this ILogger logger, string dataDirectory);

    [LoggerMessage(14, LogLevel.Warning, "Could not delete {DataDirectory}")]
    public static partial void DeleteFailed(this ILogger logger, Exception exception, string dataDirectory);

    [LoggerMessage(15, LogLevel.Information, "The Unix socket path under {SocketDirectory} would be too long (or the folder cannot be made); the server listens on TCP only")]
    public static partial void NoUnixSocket(this ILogger logger, string socketDirectory);

    [LoggerMessage(16, LogLevel.Warning, "Could not stop the server on {DataDirectory} while cleaning up after a failed start")]
    public static partial void StopAfterFailureFailed(this ILogger logger, Exception exception, string dataDirectory);

    [LoggerMessage(17, LogLevel.Information, "Adopting the PostgreSQL server already running on 127.0.0.1:{Port} (data in {DataDirectory}): the process that started it is gone, so this one stops it when it exits")]
    public static partial void Adopting(this ILogger logger, int port, string dataDirectory);

    [LoggerMessage(18, LogLevel.Information, "The process that looked after the PostgreSQL server on {DataDirectory} is gone; this one takes it over")]
    public static partial void TakingOver(this ILogger logger, string dataDirectory);

    [LoggerMessage(19, LogLevel.Warning, "PostgreSQL on 127.0.0.1:{Port} is no longer running (data in {DataDirectory}); starting it again")]
    public static partial void Restarting(this ILogger logger, int port, string dataDirectory);

    [LoggerMessage(20, LogLevel.Information, "Made a password for the PostgreSQL superuser, kept in {PasswordFile}, readable by this account only")]
    public static partial void MadePassword(this ILogger logger, string passwordFile);

    [LoggerMessage(21, LogLevel.Warning, "The PostgreSQL cluster in {DataDirectory} let other accounts connect (an earlier version trusted local connections); every connection now needs the password in {PasswordFile}")]
    public static partial void Upgraded(this ILogger logger, string dataDirectory, string passwordFile);

    [LoggerMessage(22, LogLevel.Warning, "{PasswordFile} was readable by other accounts; it is now readable by this account only")]
    public static partial void ClosedPasswordFile(this ILogger logger, string passwordFile);
}
