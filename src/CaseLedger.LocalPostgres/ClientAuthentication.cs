namespace CaseLedger.LocalPostgres;

/// <summary>
/// Who the server lets in, as its <c>pg_hba.conf</c> says: every connection, over the Unix socket or over
/// loopback TCP, proves the superuser's password by SCRAM-SHA-256, and nothing is trusted. Other accounts on
/// the machine reach the socket and the port, but not the password file (<see cref="ClusterPassword"/>), so
/// they cannot sign in, let alone run programs as the server's account (<c>COPY ... FROM PROGRAM</c>).
/// CaseLedger owns the file: one that differs (a cluster made by an earlier CaseLedger, which trusted every
/// local connection, or one edited by hand) is written again on start.
/// </summary>
internal static class ClientAuthentication
{
    public const string FileName = "pg_hba.conf";

    /// <summary>The whole file; replication stays possible for the superuser (pg_basebackup), with the password.</summary>
    public static string Content { get; } =
        """
        # Written by CaseLedger (LocalPostgresCluster), which writes it again on start if it differs.
        # Every connection proves the superuser's password, kept beside the data folder in
        # <data folder>.password and readable by the host's account alone. Nothing is trusted.
        # TYPE  DATABASE     USER  ADDRESS       METHOD
        local   all          all                 scram-sha-256
        host    all          all   127.0.0.1/32  scram-sha-256
        host    all          all   ::1/128       scram-sha-256
        local   replication  all                 scram-sha-256
        host    replication  all   127.0.0.1/32  scram-sha-256
        host    replication  all   ::1/128       scram-sha-256

        """.ReplaceLineEndings("\n");

    public static string PathIn(string dataDirectory) => Path.Combine(dataDirectory, FileName);

    /// <summary>Whether the folder's file is exactly CaseLedger's; one that cannot be read is not.</summary>
    public static bool IsCurrent(string dataDirectory)
    {
        try
        {
            return string.Equals(File.ReadAllText(PathIn(dataDirectory)).ReplaceLineEndings("\n"), Content, StringComparison.Ordinal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Whether the folder's file lets anyone in on the strength of who they say they are or which account they
    /// run as (<c>trust</c>, <c>peer</c>, <c>ident</c>), as initdb's default, which earlier versions used, does.
    /// </summary>
    public static bool TrustsSomeone(string dataDirectory)
    {
        try
        {
            return File.ReadLines(PathIn(dataDirectory))
                .Select(line => line.Split('#', 2)[0].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                .Any(fields => fields.Length > 0 && fields.Any(field => field is "trust" or "peer" or "ident"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    /// <summary>
    /// Writes the file over the one initdb made, in place, so it keeps its owner (the server's account) and its
    /// mode; a new file made by root would be closed to the server.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file is missing or cannot be written.</exception>
    public static void Write(string dataDirectory)
    {
        var path = PathIn(dataDirectory);
        try
        {
            using var stream = new FileStream(path, FileMode.Truncate, FileAccess.Write);
            using var writer = new StreamWriter(stream);
            writer.Write(Content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Could not write {path}, which says who may connect to the server ({e.Message}). The host must run as the " +
                "account that made the cluster, or as root.", e);
        }
    }
}
