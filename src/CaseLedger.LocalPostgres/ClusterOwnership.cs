namespace CaseLedger.LocalPostgres;

/// <summary>
/// Which process looks after a data folder's server: the one holding an exclusive lock on the file
/// <c>{data folder}.lock</c> beside it. The operating system drops the lock when that process ends,
/// however it ends, so a server left running by a host that crashed can be told from one that a live
/// host still uses, which no file's content could tell reliably.
/// </summary>
internal sealed class ClusterOwnership : IDisposable
{
    private readonly FileStream lockFile;

    private ClusterOwnership(FileStream lockFile) => this.lockFile = lockFile;

    public static string LockFileFor(string dataDirectory) => dataDirectory + ".lock";

    /// <summary>
    /// Takes the folder's lock, or returns <see langword="null"/> when another live process (or another
    /// instance in this one) holds it, or the lock file cannot be made.
    /// </summary>
    public static ClusterOwnership? TryTake(string dataDirectory)
    {
        var path = LockFileFor(dataDirectory);
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            // FileShare.None is an exclusive flock(2) on Unix and a sharing lock on Windows; either is
            // released by the operating system when the process ends.
            return new ClusterOwnership(new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Dispose() => lockFile.Dispose();
}
