using System.Security.Cryptography;

namespace CaseLedger.Audit;

/// <summary>
/// An ECDSA P-256 key that signs district seals (the private key, kept outside the database), or
/// only checks them (the public key an auditor holds). Signatures are over SHA-256, DER-encoded, as
/// <c>openssl dgst -sha256 -verify</c> reads them.
/// </summary>
public sealed class SealKey : IDisposable
{
    private const string P256 = "1.2.840.10045.3.1.7";

    private readonly ECDsa _key;

    private SealKey(ECDsa key, bool canSign)
    {
        var parameters = key.ExportParameters(false);
        if (parameters.Curve.Oid?.Value != P256 && parameters.Curve.Oid?.FriendlyName is not ("nistP256" or "ECDSA_P256"))
        {
            key.Dispose();
            throw new SealKeyException("A seal key is an ECDSA key on the P-256 curve (prime256v1); this one is on another curve.");
        }

        _key = key;
        CanSign = canSign;
        var publicKey = key.ExportSubjectPublicKeyInfo();
        KeyId = Convert.ToHexStringLower(SHA256.HashData(publicKey));
        PublicKeyPem = PemEncoding.WriteString("PUBLIC KEY", publicKey) + "\n";
    }

    /// <summary>Whether this is the private key (it signs) or only the public one (it checks).</summary>
    public bool CanSign { get; }

    /// <summary>The key's fingerprint: SHA-256 of its public key (SubjectPublicKeyInfo, DER) in hex. Every seal names it.</summary>
    public string KeyId { get; }

    /// <summary>The public key, PEM (<c>-----BEGIN PUBLIC KEY-----</c>), for auditors.</summary>
    public string PublicKeyPem { get; }

    /// <summary>A fresh key, held in memory (tests and benchmarks).</summary>
    public static SealKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), canSign: true);

    /// <summary>A key from PEM text: a private key (PKCS#8 or SEC 1) signs and checks; a public key only checks.</summary>
    public static SealKey FromPem(string pem)
    {
        ArgumentNullException.ThrowIfNull(pem);
        if (!PemEncoding.TryFind(pem, out var fields))
        {
            throw new SealKeyException("The seal key is not PEM text (-----BEGIN ...-----).");
        }

        var label = pem[fields.Label];
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is CryptographicException or ArgumentException)
        {
            key.Dispose();
            throw new SealKeyException($"The seal key ({label}) is not an ECDSA key: {e.Message}");
        }

        return new SealKey(key, canSign: label.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    /// <summary>Reads a PEM key file (private or public); says plainly when it cannot.</summary>
    public static SealKey ReadFile(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        try
        {
            return FromPem(File.ReadAllText(file));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SealKeyException($"Cannot read the seal key file {file}: {e.Message}");
        }
    }

    /// <summary>
    /// The signing key at <paramref name="file"/>, made there on first use (readable by its owner only)
    /// when the file does not exist yet.
    /// </summary>
    public static SealKey LoadOrCreate(string file)
    {
        ArgumentNullException.ThrowIfNull(file);
        if (File.Exists(file))
        {
            var existing = ReadFile(file);
            return existing.CanSign ? existing : throw new SealKeyException($"{file} holds a public key; sealing needs the private key.");
        }

        var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file))!);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        try
        {
            using var writer = new StreamWriter(file, System.Text.Encoding.ASCII, options);
            writer.Write(key.ExportPkcs8PrivateKeyPem());
        }
        catch (IOException) when (File.Exists(file))
        {
            // Another process made it first (two hosts starting together): use theirs.
            key.Dispose();
            return LoadOrCreate(file);
        }

        return new SealKey(key, canSign: true);
    }

    /// <summary>Signs <paramref name="data"/>: ECDSA over its SHA-256, DER-encoded.</summary>
    public byte[] Sign(byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return CanSign
            ? _key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence)
            : throw new InvalidOperationException("This seal key is a public key: it checks seals, it cannot sign them.");
    }

    public bool Verify(byte[] data, byte[] signature)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(signature);
        try
        {
            return _key.VerifyData(data, signature, HashAlgorithmName.SHA256, DSASignatureFormat.Rfc3279DerSequence);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>This key's public half alone, to hand to whoever only checks.</summary>
    public SealKey PublicOnly() => FromPem(PublicKeyPem);

    public void Dispose() => _key.Dispose();
}

/// <summary>A seal key that cannot be used, with the reason.</summary>
public sealed class SealKeyException(string message) : Exception(message);
