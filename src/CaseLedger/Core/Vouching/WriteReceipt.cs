using System.Globalization;
using System.Text;
using Marten;

namespace CaseLedger.Core.Vouching;

/// <summary>
/// What a receipt says, and what its signature covers: the case <see cref="Case"/> of district
/// <see cref="District"/> reached <see cref="Version"/>, whose chain link is <see cref="Link"/>, at
/// <see cref="Time"/> (UTC, microseconds, as the event stores it); signed with the key <see cref="KeyId"/>.
/// Like a signed certificate timestamp: whoever holds it can later prove that version was recorded,
/// and is still there unchanged.
/// </summary>
public sealed record ReceiptStatement(string Format, string District, Guid Case, long Version, string Link, string Time, string KeyId)
{
    public const string CurrentFormat = "caseledger-receipt-v1";

    /// <summary>The bytes the signature covers: the statement as canonical JSON (members in ordinal order, no white space), UTF-8.</summary>
    public byte[] CanonicalBytes()
    {
        var builder = new StringBuilder();
        builder.Append('{');
        Member(builder, "case", Case.ToString("D"), first: true);
        Member(builder, "district", District);
        Member(builder, "format", Format);
        Member(builder, "keyId", KeyId);
        Member(builder, "link", Link);
        Member(builder, "time", Time);
        builder.Append(",\"version\":").Append(Version.ToString(CultureInfo.InvariantCulture));
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
/// A signed receipt for an acknowledged write: the statement and its signature (base64 of the DER
/// ECDSA P-256 signature over <see cref="ReceiptStatement.CanonicalBytes"/>, by the host's seal key,
/// which is kept outside the database). Returned with every accepted command that appended events,
/// in the body and in the <c>CaseLedger-Receipt</c> header. Layout in docs/tamper-evidence.md.
/// </summary>
public sealed record WriteReceipt(ReceiptStatement Statement, string Signature)
{
    /// <summary>The response header that carries a receipt: base64url of its canonical statement, a dot, and the signature (base64url).</summary>
    public const string Header = "CaseLedger-Receipt";

    /// <summary>The receipt in the header's compact form.</summary>
    public string ToHeaderValue() =>
        $"{Base64Url(Statement.CanonicalBytes())}.{Base64Url(Convert.FromBase64String(Signature))}";

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

/// <summary>A receipt as the district keeps it, so the auditor's page can list a case's receipts; the holder's copy is what proves anything.</summary>
public sealed record IssuedReceipt
{
    /// <summary><c>{caseId}:{version}</c>.</summary>
    public string Id { get; init; } = "";

    public Guid CaseId { get; init; }

    public long Version { get; init; }

    public required WriteReceipt Receipt { get; init; }

    public static string IdFor(Guid caseId, long version) => $"{caseId:D}:{version.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>Which stores sign a receipt for each write (set up with a receipt key), so a store that signs none is not asked for one.</summary>
internal static class ReceiptIssuing
{
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<StoreOptions, Audit.SealKey> Issuing = new();

    public static void MarkOn(StoreOptions options, Audit.SealKey key) => Issuing.AddOrUpdate(options, key);

    public static bool IsOn(IDocumentStore store) => KeyOf(store) is not null;

    /// <summary>The key the store's hash chain signs receipts with (for a writer that stores the chain's documents itself); null when it signs none.</summary>
    public static Audit.SealKey? KeyOf(IDocumentStore store) => store.Options is StoreOptions options && Issuing.TryGetValue(options, out var key) ? key : null;
}
