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
    /// <c>EarlierPublicKeys:n</c> (PEM); <c>WitnessFolder</c> (which must exist), else <c>{dataFolder}/seals</c> (made when missing);
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
        // The default folder is the host's own, made on first use like its key; a configured one is usually
        // another machine's share or a mounted bucket, and must be there already (SealWitnessFolder).
        var configured = section["WitnessFolder"] is { Length: > 0 } folder ? folder : null;
        var witness = configured is null ? new SealWitnessFolder(InDataFolder("seals"), create: true) : new SealWitnessFolder(configured);
        var interval = section["Interval"] is { Length: > 0 } text
            ? TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var parsed)
                ? parsed
                : throw new InvalidOperationException($"CaseLedger:Sealing:Interval must be a time span such as 00:00:30 (30 seconds), not '{text}'.")
            : DefaultInterval;
        return new Sealing(key, witness, interval, earlier, keyFile);
    }
}
