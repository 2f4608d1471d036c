using System.Text.RegularExpressions;
using CaseLedger.Core;
using Microsoft.Extensions.Configuration;

namespace CaseLedger.Audit;

/// <summary>
/// How a deployment seals its districts, from <c>CaseLedger:Sealing</c>: the key that signs seals
/// (never stored in the database), the keys whose seals are accepted, the witness folder every seal is
/// published to, and how often the periodic sealer runs (the window in which an edit is caught by the
/// chains alone, not yet by a seal). See docs/tamper-evidence.md.
/// </summary>
public sealed class Sealing
{
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMinutes(5);

    public Sealing(SealKey key, SealWitnessFolder witness, TimeSpan interval, IEnumerable<SealKey>? earlierKeys = null, string? keyFile = null)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(witness);
        Key = key.CanSign ? key : throw new SealKeyException("Sealing needs the private key; this is a public key.");
        Witness = witness;
        Interval = interval;
        KeyFile = keyFile;
        Trusted = [key, .. earlierKeys ?? []];
    }

    /// <summary>The key new seals are signed with.</summary>
    public SealKey Key { get; }

    /// <summary>Whose seals verification accepts: this key, and earlier ones kept after a rotation.</summary>
    public IReadOnlyList<SealKey> Trusted { get; }

    public SealWitnessFolder Witness { get; }

    /// <summary>How often the periodic sealer runs; zero or less: never (seals are then made on demand only).</summary>
    public TimeSpan Interval { get; }

    /// <summary>Where the signing key was read from, when it came from a file.</summary>
    public string? KeyFile { get; }

    /// <summary>
    /// Reads <c>CaseLedger:Sealing</c>: <c>Key</c> (a PEM private key, e.g. from a secret store), else
    /// <c>KeyFile</c> (made on first use if missing), else <c>{dataFolder}/sealing/seal-key.pem</c>;
    /// <c>EarlierPublicKeys:n</c> (PEM); <c>WitnessFolder</c>, else <c>{dataFolder}/seals</c>;
    /// <c>Interval</c> (a time span such as <c>00:00:30</c>, default five minutes).
    /// </summary>
    public static Sealing From(IConfiguration configuration, string? dataFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("CaseLedger:Sealing");
        string InDataFolder(params string[] parts) => dataFolder is { Length: > 0 }
            ? Path.Combine([dataFolder, .. parts])
            : throw new InvalidOperationException("Sealing needs a place for its key and its witness folder: set CaseLedger:DataFolder, " +
                                                  "or CaseLedger:Sealing:KeyFile (or Key) and CaseLedger:Sealing:WitnessFolder.");
        string? keyFile = null;
        SealKey key;
        if (section["Key"] is { Length: > 0 } pem)
        {
            key = SealKey.FromPem(pem);
            if (!key.CanSign)
            {
                throw new SealKeyException("CaseLedger:Sealing:Key holds a public key; sealing needs the private key.");
            }
        }
        else
        {
            keyFile = section["KeyFile"] is { Length: > 0 } file ? Path.GetFullPath(file) : InDataFolder("sealing", "seal-key.pem");
            key = SealKey.LoadOrCreate(keyFile);
        }

        var earlier = section.GetSection("EarlierPublicKeys").GetChildren().Select(k => k.Value).OfType<string>().Where(k => k.Length > 0)
            .Select(SealKey.FromPem).ToList();
        var witness = section["WitnessFolder"] is { Length: > 0 } folder ? folder : InDataFolder("seals");
        var interval = section["Interval"] is { Length: > 0 } text
            ? TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"CaseLedger:Sealing:Interval must be a time span such as 00:00:30 (30 seconds), not '{text}'.")
            : DefaultInterval;
        return new Sealing(key, new SealWitnessFolder(witness), interval, earlier, keyFile);
    }
}

/// <summary>
/// The folder every seal is published to outside the database, one signed file per seal:
/// <c>{folder}/{district}/{number}.json</c>. Anyone may copy it; a file is never rewritten, and one
/// that disagrees with the database is reported as evidence, never replaced.
/// </summary>
public sealed partial class SealWitnessFolder(string folder)
{
    public string Folder { get; } = Path.GetFullPath(folder);

    public string PathFor(string district, long number) => Path.Combine(DistrictFolder(district), $"{number}.json");

    /// <summary>
    /// Writes the seal's file, unless the same seal is already there; a different seal under the same
    /// number is refused (<see cref="SealsDivergedException"/>).
    /// </summary>
    public string Publish(SealFile seal)
    {
        ArgumentNullException.ThrowIfNull(seal);
        var path = PathFor(seal.Statement.District, seal.Statement.Number);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        if (File.Exists(path))
        {
            return Same(path, seal);
        }

        // Written aside and moved into place, so a reader never sees half a seal.
        var temporary = path + $".{Guid.NewGuid():N}.tmp";
        File.WriteAllText(temporary, seal.ToJson());
        try
        {
            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            File.Delete(temporary);
            return Same(path, seal);
        }

        return path;
    }

    /// <summary>The seal files published for a district, by number.</summary>
    public IReadOnlyList<(long Number, string File)> List(string district)
    {
        var directory = DistrictFolder(district);
        if (!Directory.Exists(directory))
        {
            return [];
        }

        return Directory.EnumerateFiles(directory, "*.json")
            .Select(file => (Match: SealFileName().Match(Path.GetFileName(file)), File: file))
            .Where(f => f.Match.Success && long.TryParse(f.Match.Groups[1].Value, System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out _))
            .Select(f => (long.Parse(f.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), f.File))
            .OrderBy(f => f.Item1)
            .ToList();
    }

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

    private static string Same(string path, SealFile seal)
    {
        var (existing, _) = Read(path);
        if (existing is not null && existing.Statement == seal.Statement && existing.Signature == seal.Signature)
        {
            return path;
        }

        throw new SealsDivergedException($"{path} already holds a different seal {seal.Statement.Number} of {seal.Statement.District}: " +
                                          "the database's seals no longer match the published ones.");
    }

    [GeneratedRegex(@"^([0-9]{1,18})\.json$")]
    private static partial Regex SealFileName();
}

/// <summary>The database's seals disagree with those published: sealing stops until someone looks.</summary>
public sealed class SealsDivergedException(string message) : Exception(message);
