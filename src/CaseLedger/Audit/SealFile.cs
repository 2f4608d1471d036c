using System.Globalization;
using System.Text;
using System.Text.Json;
using CaseLedger.Core;

namespace CaseLedger.Audit;

/// <summary>A seal named by another: its number, and the size and root of the log it sealed.</summary>
public sealed record SealReference(long Number, long TreeSize, string Root);

/// <summary>
/// What a district seal says, and what its signature covers: the district's seal log had
/// <see cref="TreeSize"/> chain links with <see cref="Root"/> at <see cref="SealedAt"/>, extending
/// <see cref="Previous"/> by <see cref="NewLinks"/> links; signed with the key <see cref="KeyId"/>.
/// </summary>
public sealed record SealStatement(
    string Format,
    string District,
    long Number,
    string SealedAt,
    long TreeSize,
    string Root,
    SealReference? Previous,
    long NewLinks,
    string KeyId)
{
    public const string CurrentFormat = "caseledger-seal-v2";

    /// <summary>How a later seal names this one.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public SealReference Reference => new(Number, TreeSize, Root);

    /// <summary>
    /// The bytes the signature covers: the statement as canonical JSON (members in ordinal order, no
    /// white space; <c>previous</c> is always present, <c>null</c> for a log's first seal), UTF-8.
    /// </summary>
    public byte[] CanonicalBytes()
    {
        var builder = new StringBuilder();
        builder.Append('{');
        Member(builder, "district", District, first: true);
        Member(builder, "format", Format);
        Member(builder, "keyId", KeyId);
        builder.Append(",\"newLinks\":").Append(NewLinks.ToString(CultureInfo.InvariantCulture));
        builder.Append(",\"number\":").Append(Number.ToString(CultureInfo.InvariantCulture));
        builder.Append(",\"previous\":");
        if (Previous is null)
        {
            builder.Append("null");
        }
        else
        {
            builder.Append("{\"number\":").Append(Previous.Number.ToString(CultureInfo.InvariantCulture));
            Member(builder, "root", Previous.Root);
            builder.Append(",\"treeSize\":").Append(Previous.TreeSize.ToString(CultureInfo.InvariantCulture)).Append('}');
        }

        Member(builder, "root", Root);
        Member(builder, "sealedAt", SealedAt);
        builder.Append(",\"treeSize\":").Append(TreeSize.ToString(CultureInfo.InvariantCulture));
        builder.Append('}');
        return Encoding.UTF8.GetBytes(builder.ToString());
    }

    private static void Member(StringBuilder builder, string name, string value, bool first = false)
    {
        if (!first)
        {
            builder.Append(',');
        }

        CanonicalJson.AppendString(builder, name);
        builder.Append(':');
        CanonicalJson.AppendString(builder, value ?? "");
    }
}

/// <summary>
/// A signed district seal, as published in the witness folder, answered by <c>POST /districts/{d}/seals</c>
/// and carried in bundles: the statement, its signature (base64 of the DER ECDSA signature), and the
/// consistency proof (hex hashes) that its log extends the previous seal's. Layout in docs/tamper-evidence.md.
/// </summary>
public sealed record SealFile(SealStatement Statement, string Signature, IReadOnlyList<string> Consistency)
{
    /// <summary>How seal files are written and read: camelCase, indented; every member must be present.</summary>
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    public static SealFile Sign(SealStatement statement, SealKey key, IReadOnlyList<string> consistency)
    {
        ArgumentNullException.ThrowIfNull(statement);
        ArgumentNullException.ThrowIfNull(key);
        return new SealFile(statement, Convert.ToBase64String(key.Sign(statement.CanonicalBytes())), consistency);
    }

    /// <summary>Reads a seal file's JSON; null with the reason when it is not one.</summary>
    public static (SealFile? Seal, string? Problem) Parse(string json)
    {
        try
        {
            var seal = JsonSerializer.Deserialize<SealFile>(json, Json);
            return seal?.Statement is null ? (null, "it is not a seal file (no statement)") : (seal, null);
        }
        catch (JsonException e)
        {
            return (null, $"it is not a seal file: {e.Message}");
        }
    }

    public string ToJson() => JsonSerializer.Serialize(this, Json);
}

/// <summary>Checking seal files with no database: signatures, and that each seal extends the one before.</summary>
public static class SealFiles
{
    /// <summary>
    /// Why <paramref name="seal"/> is not a genuine seal of a key in <paramref name="trusted"/>, or null
    /// when it is: its format, its hashes, the key it names, and its signature.
    /// </summary>
    public static string? CheckSignature(SealFile seal, IReadOnlyCollection<SealKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(seal);
        ArgumentNullException.ThrowIfNull(trusted);
        var s = seal.Statement;
        if (s.Format != SealStatement.CurrentFormat)
        {
            return $"seal {s.Number}: unknown format '{s.Format}', expected '{SealStatement.CurrentFormat}'";
        }

        if (MerkleLog.FromHex(s.Root) is null || (s.Previous is { } p && MerkleLog.FromHex(p.Root) is null) || seal.Consistency.Any(c => MerkleLog.FromHex(c) is null))
        {
            return $"seal {s.Number}: its root or proof is not made of 64-digit lower-case hex hashes";
        }

        if (trusted.Count == 0)
        {
            return $"seal {s.Number}: no public key was given to check its signature";
        }

        var key = trusted.FirstOrDefault(k => k.KeyId == s.KeyId);
        if (key is null)
        {
            return $"seal {s.Number} was signed with key {Short(s.KeyId)}, not with the key given ({string.Join(", ", trusted.Select(k => Short(k.KeyId)))})";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(seal.Signature);
        }
        catch (FormatException)
        {
            return $"seal {s.Number}: its signature is not base64";
        }

        return key.Verify(s.CanonicalBytes(), signature) ? null : $"seal {s.Number}: the signature does not match the statement (the seal was forged or altered)";
    }

    /// <summary>
    /// Why <paramref name="later"/> does not extend <paramref name="earlier"/>, or null when it does:
    /// the same district, a log no smaller, and (for the seal right after) the link to it and its
    /// consistency proof. For seals further apart, <paramref name="proof"/> is a consistency proof
    /// between them (from <c>GET /districts/{d}/seals/{n}/consistency?from={m}</c>).
    /// </summary>
    public static string? CheckExtends(SealFile earlier, SealFile later, IReadOnlyList<string>? proof = null)
    {
        ArgumentNullException.ThrowIfNull(earlier);
        ArgumentNullException.ThrowIfNull(later);
        SealStatement a = earlier.Statement, b = later.Statement;
        if (a.District != b.District)
        {
            return $"seal {b.Number} is of district {b.District}, seal {a.Number} of {a.District}";
        }

        if (b.Number == a.Number)
        {
            return b == a && later.Signature == earlier.Signature ? null : $"there are two different seals numbered {a.Number}";
        }

        if (b.Number < a.Number)
        {
            return CheckExtends(later, earlier, proof);
        }

        if (b.TreeSize < a.TreeSize)
        {
            return $"seal {b.Number} covers {b.TreeSize} links, fewer than the {a.TreeSize} of seal {a.Number}: sealed history was removed";
        }

        var hashes = proof ?? (b.Previous?.Number == a.Number ? later.Consistency : null);
        if (hashes is null)
        {
            return $"seals {a.Number} and {b.Number} are not consecutive: a consistency proof between them is needed";
        }

        if (b.Previous?.Number == a.Number && proof is null && b.Previous != a.Reference)
        {
            return $"seal {b.Number} names a seal {a.Number} of {b.Previous.TreeSize} links with root {Short(b.Previous.Root)}, not this one: seal {a.Number} was replaced";
        }

        var parsed = hashes.Select(MerkleLog.FromHex).ToList();
        if (parsed.Any(h => h is null) || MerkleLog.FromHex(a.Root) is not { } oldRoot || MerkleLog.FromHex(b.Root) is not { } newRoot)
        {
            return $"the proof between seals {a.Number} and {b.Number} is not made of 64-digit lower-case hex hashes";
        }

        return MerkleLog.VerifyConsistency(a.TreeSize, b.TreeSize, oldRoot, newRoot, parsed!)
            ? null
            : $"seal {b.Number} does not extend seal {a.Number}: history seal {a.Number} covered was rewritten or cut";
    }

    /// <summary>
    /// Checks a set of seal files of one district, as an auditor would with a copy of the witness
    /// folder: every signature, and every seal against the one before it that is in the set.
    /// </summary>
    public static SealChainCheck CheckChain(IReadOnlyList<SealFile> seals, IReadOnlyCollection<SealKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(seals);
        var problems = new List<string>();
        var gaps = new List<string>();
        SealFile? before = null;
        foreach (var seal in seals.OrderBy(s => s.Statement.Number))
        {
            if (CheckSignature(seal, trusted) is { } bad)
            {
                problems.Add(bad);
                continue;
            }

            if (before is not null)
            {
                var (number, named) = (before.Statement.Number, seal.Statement.Previous?.Number);
                if (named == number)
                {
                    if (CheckExtends(before, seal) is { } broken)
                    {
                        problems.Add(broken);
                    }
                }
                else if (named is null)
                {
                    problems.Add($"seal {seal.Statement.Number} starts a new log after seal {number}: what seal {number} covered is no longer sealed");
                }
                else if (named > number)
                {
                    gaps.Add((named == number + 1 ? $"seal {named} is not in the set" : $"seals {number + 1} to {named} are not in the set") +
                             $": seal {seal.Statement.Number} is checked by its signature alone, not against seal {number}");
                }
                else
                {
                    problems.Add($"seal {seal.Statement.Number} follows seal {named}, but seal {number} came between them");
                }
            }

            before = seal;
        }

        var districts = seals.Select(s => s.Statement.District).Distinct(StringComparer.Ordinal).ToList();
        if (districts.Count > 1)
        {
            problems.Add($"the seals are of several districts ({string.Join(", ", districts)}); check one district's at a time");
        }

        return new SealChainCheck(seals.Count, problems.Count == 0, problems, gaps, before?.Statement);
    }

    private static string Short(string keyId) => keyId.Length > 16 ? keyId[..16] + "…" : keyId;
}

/// <summary>What checking a set of seal files found.</summary>
public sealed record SealChainCheck(int Seals, bool Valid, IReadOnlyList<string> Problems, IReadOnlyList<string> Gaps, SealStatement? Latest);
