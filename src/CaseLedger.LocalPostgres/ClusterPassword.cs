using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;

namespace CaseLedger.LocalPostgres;

/// <summary>
/// The superuser's password of a data folder's cluster, kept in <c>{data folder}.password</c> beside the
/// folder: made at random on first use, readable and writable by this process's account alone (mode 0600).
/// The server never sees the password itself, only its SCRAM-SHA-256 verifier (<see cref="ScramVerifier"/>),
/// so neither the server's log nor its catalogue ever holds it; the connection string carries it, and
/// nothing logs that.
/// </summary>
internal sealed class ClusterPassword
{
    // PostgreSQL's own default for the verifiers it makes (scram_iterations); the password is random, so
    // more rounds would only slow each new connection down.
    private const int Iterations = 4096;
    private const int PasswordBytes = 32;
    private const int SaltBytes = 16;

    private static readonly UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    private ClusterPassword(string file, string password)
    {
        File = file;
        Password = password;
    }

    /// <summary>Where the password is kept.</summary>
    public string File { get; }

    /// <summary>The password itself: a secret, for connection strings only.</summary>
    public string Password { get; }

    public static string FileFor(string dataDirectory) => dataDirectory + ".password";

    /// <summary>
    /// Reads the folder's password file, or makes one. Two processes making it at once agree on one: each
    /// writes its own aside and only the first moves into place.
    /// </summary>
    /// <exception cref="InvalidOperationException">The file exists but holds no usable password.</exception>
    public static ClusterPassword LoadOrCreate(string dataDirectory, ILogger logger)
    {
        var file = FileFor(dataDirectory);
        if (!System.IO.File.Exists(file))
        {
            TryCreate(file, logger);
        }

        string password;
        try
        {
            password = System.IO.File.ReadLines(file).FirstOrDefault()?.Trim() ?? "";
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Could not read the PostgreSQL superuser's password from {file}: {e.Message} The file belongs to the account " +
                "that runs the host; run the host under that account.", e);
        }

        if (password.Length == 0 || !password.All(char.IsAsciiLetterOrDigit))
        {
            throw new InvalidOperationException(
                $"{file} holds no usable password for the PostgreSQL superuser. Stop the server (pg_ctl stop -D \"{dataDirectory}\"), " +
                "delete the file and start the host again: it makes a new password and sets it before the server starts.");
        }

        CloseToOthers(file, logger);
        return new ClusterPassword(file, password);
    }

    /// <summary>
    /// The password as PostgreSQL stores it (<c>SCRAM-SHA-256$iterations:salt$StoredKey:ServerKey</c>, RFC 5802
    /// and 7677), with a fresh salt. Handed to the server instead of the password, which it then never learns.
    /// </summary>
    public string ScramVerifier()
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        // The password is ASCII letters and digits, which SASLprep leaves as they are.
        var salted = Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(Password), salt, Iterations, HashAlgorithmName.SHA256, 32);
        var clientKey = HMACSHA256.HashData(salted, "Client Key"u8);
        var storedKey = SHA256.HashData(clientKey);
        var serverKey = HMACSHA256.HashData(salted, "Server Key"u8);
        return $"SCRAM-SHA-256${Iterations}:{Convert.ToBase64String(salt)}${Convert.ToBase64String(storedKey)}:{Convert.ToBase64String(serverKey)}";
    }

    /// <summary>
    /// The statement that gives <paramref name="role"/> this password, as its verifier: whatever logs the
    /// statement (a server log with a failed statement in it) never shows the password.
    /// </summary>
    public string SetPasswordStatement(string role) => $"ALTER ROLE \"{role}\" PASSWORD '{ScramVerifier()}'";

    private static void TryCreate(string file, ILogger logger)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        var aside = $"{file}.{Guid.NewGuid():N}.tmp";
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = OwnerOnly;
        }

        using (var writer = new StreamWriter(aside, Encoding.ASCII, options))
        {
            writer.WriteLine(Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PasswordBytes)));
        }

        try
        {
            System.IO.File.Move(aside, file, overwrite: false);
            logger.MadePassword(file);
        }
        catch (IOException) when (System.IO.File.Exists(file))
        {
            // Another process made it first; theirs is the one the cluster gets.
            System.IO.File.Delete(aside);
        }
    }

    /// <summary>A password file that others can read (copied with a loose umask, say) is closed to them again.</summary>
    private static void CloseToOthers(string file, ILogger logger)
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        var mode = System.IO.File.GetUnixFileMode(file);
        if ((mode & ~OwnerOnly) != 0)
        {
            System.IO.File.SetUnixFileMode(file, OwnerOnly);
            logger.ClosedPasswordFile(file);
        }
    }
}
