using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using CaseLedger.Core;

namespace CaseLedger.Audit;

/// <summary>
/// The folder every seal is published to outside the database, one signed file per seal:
/// <c>{folder}/{district}/{number}.json</c>, the number in decimal without leading zeros. Anyone may
/// copy it; a file is never rewritten, and one that disagrees with the database is reported as
/// evidence, never replaced.
/// </summary>
/// <param name="folder">The folder.</param>
/// <param name="create">
/// Whether publishing makes the folder when it is missing: true for the host's own default folder in
/// its data folder. A folder named in configuration is usually another machine's share or a mounted
/// bucket; when it is not there (not mounted) seals are not published rather than written to an
/// empty local folder in its place that no witness sees.
/// </param>
public sealed partial class SealWitnessFolder(string folder, bool create = false)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    /// <summary>Whether publishing makes <see cref="Folder"/> when it is missing.</summary>
    public bool Creates { get; } = create;

    public string PathFor(string district, long number) => Path.Combine(DistrictFolder(district), FileName(number));

    /// <summary>A seal's file name: <c>{number}.json</c>.</summary>
    public static string FileName(long number) => number.ToString(CultureInfo.InvariantCulture) + ".json";

    /// <summary>Where a seal's file stands inside any copy of the witness folder: <c>{district}/{number}.json</c>.</summary>
    public static string RelativePath(string district, long number) => $"{district}/{FileName(number)}";

    /// <summary>
    /// Writes the seal's file, unless the same seal is already there; a different seal under the same
    /// number is refused (<see cref="SealsDivergedException"/>), and a file that cannot be written
    /// (the folder missing or not writable, the disk full) is <see cref="SealNotPublishedException"/>.
    /// </summary>
    public string Publish(SealFile seal)
    {
        ArgumentNullException.ThrowIfNull(seal);
        var path = PathFor(seal.Statement.District, seal.Statement.Number);
        try
        {
            if (!Directory.Exists(Folder) && !Creates)
            {
                throw new SealNotPublishedException($"the witness folder {Folder} does not exist (is it mounted?)");
            }

            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            return File.Exists(path) ? Same(path, seal) : Write(path, seal);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SealNotPublishedException($"{RelativePath(seal.Statement.District, seal.Statement.Number)} could not be written to the witness folder " +
                                                $"{Folder}: {e.Message}", e);
        }
    }

    /// <summary>The seal files published for a district, by number; none when the folder cannot be read.</summary>
    public IReadOnlyList<(long Number, string File)> List(string district) =>
        [.. Entries(district).Files.Where(f => f.Number is not null).Select(f => (f.Number!.Value, f.File)).OrderBy(f => f.Item1)];

    /// <summary>Every file in the district's folder, each with the seal number its name gives (null: not a seal file's name).</summary>
    public WitnessListing Entries(string district)
    {
        var directory = DistrictFolder(district);
        if (!Directory.Exists(directory))
        {
            return new WitnessListing(Directory.Exists(Folder), [], null);
        }

        try
        {
            var files = Directory.EnumerateFiles(directory)
                .Select(file => new WitnessFile(file, Path.GetFileName(file), NumberOf(Path.GetFileName(file)), IsLeftover(Path.GetFileName(file))))
                .OrderBy(f => f.Number ?? long.MaxValue).ThenBy(f => f.Name, StringComparer.Ordinal)
                .ToList();
            return new WitnessListing(true, files, null);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new WitnessListing(true, [], e.Message);
        }
    }

    /// <summary>The seal number a file's name gives, when it is a seal file's name (<c>7.json</c>; not <c>07.json</c>, not <c>0.json</c>).</summary>
    public static long? NumberOf(string? fileName) =>
        fileName is not null && SealFileName().IsMatch(fileName) && long.TryParse(fileName.AsSpan(0, fileName.Length - 5), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            ? n
            : null;

    /// <summary>Reads one published seal; null with the reason when the file is not a seal.</summary>
    public static (SealFile? Seal, string? Problem) Read(string file)
    {
        try
        {
            return SealFile.Parse(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, $"cannot read it: {e.Message}");
        }
    }

    private string DistrictFolder(string district) =>
        CommandPipeline.IsDistrictId(district)
            ? Path.Combine(Folder, district)
            : throw new ArgumentException($"'{district}' is not a district id.", nameof(district));

    /// <summary>Written aside, flushed to disk and moved into place, so a reader (or a crash) never leaves half a seal under its name.</summary>
    private static string Write(string path, SealFile seal)
    {
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.Write(Encoding.UTF8.GetBytes(seal.ToJson()));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
            return path;
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another sealer published it first: the same seal, or evidence.
            return Same(path, seal);
        }
        finally
        {
            TryDelete(temporary);
        }
    }

    private static void TryDelete(string file)
    {
        try
        {
            File.Delete(file);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // What is left is a leftover the checks name as one, never a seal file.
        }
    }

    private static string Same(string path, SealFile seal)
    {
        var (existing, _) = Read(path);
        if (existing is not null && existing.Statement == seal.Statement && existing.Signature == seal.Signature
            && existing.Consistency.SequenceEqual(seal.Consistency, StringComparer.Ordinal))
        {
            return path;
        }

        throw new SealsDivergedException($"{path} already holds something other than seal {seal.Statement.Number} of {seal.Statement.District}: " +
                                          "the database's seals no longer match the published ones.");
    }

    private static bool IsLeftover(string name) => LeftoverName().IsMatch(name);

    [GeneratedRegex(@"^[1-9][0-9]{0,17}\.json$")]
    private static partial Regex SealFileName();

    /// <summary>What <see cref="Write"/> writes aside before moving it into place.</summary>
    [GeneratedRegex(@"^[1-9][0-9]{0,17}\.json\.[0-9a-f]{32}\.tmp$")]
    private static partial Regex LeftoverName();
}

/// <summary>A file in a district's witness folder: its seal number when its name is a seal file's, and whether an interrupted publication left it.</summary>
public sealed record WitnessFile(string File, string Name, long? Number, bool IsLeftover);

/// <summary>What a district's witness folder holds: whether the witness folder exists at all, its files, and why they could not be listed, if so.</summary>
public sealed record WitnessListing(bool FolderExists, IReadOnlyList<WitnessFile> Files, string? Unreadable);

/// <summary>The database's seals disagree with those published: sealing stops until someone looks.</summary>
public sealed class SealsDivergedException(string message) : Exception(message);

/// <summary>A seal could not be written to the witness folder: it stays recorded as not yet published, and the next seal publishes it first.</summary>
public sealed class SealNotPublishedException : Exception
{
    public SealNotPublishedException(string message) : base(message)
    {
    }

    public SealNotPublishedException(string message, Exception inner) : base(message, inner)
    {
    }
}
