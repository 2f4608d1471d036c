using System.Security.Cryptography;
using CaseLedger.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CaseLedger.Http.Identity;

/// <summary>
/// Whose tokens the host accepts. Either an identity provider configured under
/// <c>CaseLedger:Identity</c> (an OpenID Connect <c>Authority</c>, or an <c>Issuer</c> with its public
/// <c>SigningKeys</c> in PEM), or, on the embedded default where none is configured, the host's own
/// signing key: an ECDSA P-256 key made on first start and kept in the host's data folder, with which
/// the <c>token</c> command mints development tokens.
/// </summary>
public sealed class TokenKeys
{
    public const string EmbeddedIssuer = "caseledger-local";
    public const string DefaultAudience = "caseledger";

    private TokenKeys(string? authority, string issuer, string audience, IReadOnlyList<SecurityKey> validationKeys, ECDsaSecurityKey? signingKey,
        string? keyFile)
    {
        Authority = authority;
        Issuer = issuer;
        Audience = audience;
        ValidationKeys = validationKeys;
        SigningKey = signingKey;
        KeyFile = keyFile;
    }

    /// <summary>The OpenID Connect authority whose published keys validate tokens, when one is configured.</summary>
    public string? Authority { get; }

    public string Issuer { get; }

    public string Audience { get; }

    public IReadOnlyList<SecurityKey> ValidationKeys { get; }

    /// <summary>The host's own key, on the embedded default only; null when a city's provider issues tokens.</summary>
    public ECDsaSecurityKey? SigningKey { get; }

    /// <summary>Where the host's own key is kept (embedded default only).</summary>
    public string? KeyFile { get; }

    /// <summary>Whether the host mints its own tokens (no identity provider configured).</summary>
    public bool IsEmbedded => SigningKey is not null;

    /// <summary>
    /// Reads <c>CaseLedger:Identity</c>; with no provider configured, loads (or makes, on first start)
    /// the host's key at <c>CaseLedger:Identity:KeyFile</c>, else <c>{dataFolder}/identity/signing-key.pem</c>.
    /// </summary>
    public static TokenKeys From(IConfiguration configuration, string dataFolder)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection("CaseLedger:Identity");
        var audience = section["Audience"] is { Length: > 0 } a ? a : DefaultAudience;
        var authority = section["Authority"] is { Length: > 0 } auth ? auth : null;
        var keys = section.GetSection("SigningKeys").GetChildren().Select(k => k.Value).OfType<string>().Where(k => k.Length > 0).ToList();
        if (authority is not null || keys.Count > 0)
        {
            var issuer = section["Issuer"] is { Length: > 0 } i ? i : authority
                ?? throw new InvalidOperationException("CaseLedger:Identity:SigningKeys needs CaseLedger:Identity:Issuer, the issuer the keys belong to.");
            return new TokenKeys(authority, issuer, audience, keys.Select(PublicKey).ToList(), null, null);
        }

        var keyFile = section["KeyFile"] is { Length: > 0 } file ? Path.GetFullPath(file) : Path.Combine(dataFolder, "identity", "signing-key.pem");
        var key = LoadOrCreate(keyFile);
        return new TokenKeys(null, EmbeddedIssuer, audience, [key], key, keyFile);
    }

    /// <summary>Keys held in memory, for a test host: a fresh ECDSA key, minting and validating its own tokens.</summary>
    public static TokenKeys InMemory(string audience = DefaultAudience)
    {
        var key = new ECDsaSecurityKey(ECDsa.Create(ECCurve.NamedCurves.nistP256)) { KeyId = "in-memory" };
        return new TokenKeys(null, EmbeddedIssuer, audience, [key], key, null);
    }

    /// <summary>
    /// The partner institution a minted token names, from what was asked: required with the partner
    /// role and refused without it (a partner's clerk acts for exactly one institution, anyone else for
    /// none). False when what was asked does not fit the roles; nothing is dropped or assumed.
    /// </summary>
    public static bool TryInstitution(IReadOnlyCollection<Role> roles, string? asked, out string? institution)
    {
        ArgumentNullException.ThrowIfNull(roles);
        institution = asked?.Trim() is { Length: > 0 } named ? named : null;
        return roles.Contains(Role.Partner) == (institution is not null) && (asked is null || institution is not null);
    }

    /// <summary>
    /// A token signed with the host's own key (embedded default only): the subject, its roles and
    /// districts, the channel it signed in through, valid for <paramref name="lifetime"/>.
    /// </summary>
    public string Mint(string subject, IReadOnlyCollection<Role> roles, IReadOnlyCollection<string> districts, Channel channel, TimeSpan lifetime,
        DateTimeOffset now, string? name = null, string? institution = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        ArgumentNullException.ThrowIfNull(roles);
        ArgumentNullException.ThrowIfNull(districts);
        var signingKey = SigningKey ?? throw new InvalidOperationException(
            "Tokens come from the configured identity provider (CaseLedger:Identity); this host mints none.");
        var claims = new Dictionary<string, object>
        {
            [CaseLedgerClaims.Subject] = subject,
            [CaseLedgerClaims.Role] = roles.Select(Roles.NameOf).ToArray(),
            [CaseLedgerClaims.District] = districts.ToArray(),
            [CaseLedgerClaims.Channel] = channel.ToString(),
            ["jti"] = Guid.NewGuid().ToString("N"),
        };
        if (name is not null)
        {
            claims[CaseLedgerClaims.Name] = name;
        }

        if (institution is not null)
        {
            claims[CaseLedgerClaims.Institution] = institution;
        }

        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            Claims = claims,
            IssuedAt = now.UtcDateTime,
            NotBefore = now.UtcDateTime.AddMinutes(-1),
            Expires = now.UtcDateTime.Add(lifetime),
            SigningCredentials = new SigningCredentials(signingKey, SecurityAlgorithms.EcdsaSha256),
        });
    }

    private static ECDsaSecurityKey LoadOrCreate(string keyFile)
    {
        var ecdsa = ECDsa.Create();
        if (File.Exists(keyFile))
        {
            ecdsa.ImportFromPem(File.ReadAllText(keyFile));
        }
        else
        {
            ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
            Directory.CreateDirectory(Path.GetDirectoryName(keyFile)!);
            var pem = ecdsa.ExportPkcs8PrivateKeyPem();
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(keyFile, System.Text.Encoding.ASCII, options);
            writer.Write(pem);
        }

        return new ECDsaSecurityKey(ecdsa) { KeyId = Convert.ToHexStringLower(SHA256.HashData(ecdsa.ExportSubjectPublicKeyInfo()))[..16] };
    }

    private static SecurityKey PublicKey(string pem)
    {
        if (pem.Contains("BEGIN RSA PUBLIC KEY", StringComparison.Ordinal) || IsRsa(pem))
        {
            var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return new RsaSecurityKey(rsa);
        }

        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        return new ECDsaSecurityKey(ecdsa);
    }

    private static bool IsRsa(string pem)
    {
        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return true;
        }
        catch (CryptographicException)
        {
            return false;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
