using System.Globalization;
using System.Text.Json;
using CaseLedger.Core.Vouching;
using Marten;

namespace CaseLedger.Audit;

/// <summary>What checking a receipt found.</summary>
/// <param name="Genuine">Whether it is signed by a trusted key.</param>
/// <param name="Status">
/// <c>intact</c>: the case still holds that version with that link; <c>cut_off</c>: the case no
/// longer reaches that version; <c>altered</c>: the version is there but its link is not the one
/// receipted (it, or something before it, was changed); <c>not_genuine</c>: the signature does not check;
/// <c>unchecked</c>: only the signature was checked (offline, with nothing to check the case against).
/// </param>
/// <param name="Detail">What was found, in a sentence.</param>
/// <param name="CaseVersion">The version the case reaches now, as its events were checked.</param>
/// <param name="LinkNow">The case's link at the receipted version now (or at the version it reaches, when cut off).</param>
public sealed record ReceiptCheck(bool Genuine, string Status, string Detail, long? CaseVersion, string? LinkNow)
{
    public bool Intact => Genuine && Status == Receipts.Intact;
}

/// <summary>
/// Signed receipts: issued for every acknowledged write (by the hash chain's projection, in the write's
/// own transaction, with the host's seal key, which is kept outside the database), and checked later
/// against the case's chain, a bundle, or, with the public key alone, for their signature.
/// </summary>
public static class Receipts
{
    public const string Intact = "intact";
    public const string CutOff = "cut_off";
    public const string Altered = "altered";
    public const string NotGenuine = "not_genuine";
    public const string Unchecked = "unchecked";

    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    /// <summary>Signs the receipt for a case's link at a version.</summary>
    public static WriteReceipt Sign(SealKey key, string district, Guid caseId, long version, string link, DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(key);
        var statement = new ReceiptStatement(ReceiptStatement.CurrentFormat, district, caseId, version, link, ChainHashing.FormatTime(time), key.KeyId);
        return new WriteReceipt(statement, Convert.ToBase64String(key.Sign(statement.CanonicalBytes())));
    }

    /// <summary>Why the receipt is not signed by a key in <paramref name="trusted"/>; null when it is.</summary>
    public static string? CheckSignature(WriteReceipt receipt, IReadOnlyCollection<SealKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(receipt);
        ArgumentNullException.ThrowIfNull(trusted);
        var s = receipt.Statement;
        if (s is null || s.Format != ReceiptStatement.CurrentFormat)
        {
            return $"unknown receipt format '{s?.Format}', expected '{ReceiptStatement.CurrentFormat}'";
        }

        if (trusted.FirstOrDefault(k => k.KeyId == s.KeyId) is not { } key)
        {
            return $"the receipt was signed with key {Short(s.KeyId)}, not with a key given ({string.Join(", ", trusted.Select(k => Short(k.KeyId)))})";
        }

        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(receipt.Signature ?? "");
        }
        catch (FormatException)
        {
            return "the receipt's signature is not base64";
        }

        return key.Verify(s.CanonicalBytes(), signature) ? null : "the receipt's signature does not match its statement: it was altered or forged";
    }

    /// <summary>Checks a receipt with the public key alone: its signature, nothing of the case.</summary>
    public static ReceiptCheck CheckOffline(WriteReceipt receipt, IReadOnlyCollection<SealKey> trusted) =>
        CheckSignature(receipt, trusted) is { } bad
            ? new ReceiptCheck(false, NotGenuine, bad, null, null)
            : new ReceiptCheck(true, Unchecked, "genuine; the case was not checked (give a bundle, or check it against the ledger)", null, null);

    /// <summary>
    /// Checks a receipt against the case's events as the database holds them: the chain recomputed
    /// from the events (never the stored links, which a forger can rewrite) must still reach the
    /// receipted version with the receipted link.
    /// </summary>
    public static async Task<ReceiptCheck> CheckAsync(IDocumentStore store, IReadOnlyCollection<SealKey> trusted, WriteReceipt receipt, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(receipt);
        if (CheckSignature(receipt, trusted) is { } bad)
        {
            return new ReceiptCheck(false, NotGenuine, bad, null, null);
        }

        var s = receipt.Statement;
        var rows = await ChainVerifier.ReadEventsAsync(store, s.District, s.Case, ct);
        await using var session = store.QuerySession(s.District);
        var formats = (await session.Query<ChainLink>().Where(l => l.CaseId == s.Case).ToListAsync(ct)).ToDictionary(l => l.Version, l => l.Format);
        return Against(receipt, rows.Select(r => (r.Chained, formats.GetValueOrDefault(r.Chained.Version) ?? "")).ToList());
    }

    /// <summary>Checks a receipt against a bundle's events (offline: the bundle and the public key alone).</summary>
    public static ReceiptCheck CheckAgainst(AuditBundle bundle, IReadOnlyCollection<SealKey> trusted, WriteReceipt receipt)
    {
        ArgumentNullException.ThrowIfNull(bundle);
        ArgumentNullException.ThrowIfNull(receipt);
        if (CheckSignature(receipt, trusted) is { } bad)
        {
            return new ReceiptCheck(false, NotGenuine, bad, null, null);
        }

        if (bundle.Case.Id != receipt.Statement.Case || bundle.Case.District != receipt.Statement.District)
        {
            return new ReceiptCheck(true, Unchecked, $"the bundle is of case {bundle.Case.Id} in {bundle.Case.District}, not the receipt's", null, null);
        }

        return Against(receipt, AuditBundles.Chained(bundle));
    }

    /// <summary>Recomputes the chain from the events (with each link's format) and compares it with the receipt at its version.</summary>
    private static ReceiptCheck Against(WriteReceipt receipt, IReadOnlyList<(ChainedEvent Event, string Format)> events)
    {
        var s = receipt.Statement;
        var previous = ChainHashing.Genesis;
        long reached = 0;
        foreach (var (e, recorded) in events.OrderBy(e => e.Event.Version))
        {
            if (e.Version != reached + 1)
            {
                break; // a gap: the chain is broken from here, and verification says where
            }

            previous = ChainHashing.Link(previous, e, recorded is { Length: > 0 } ? recorded
                : e.Role is null ? ChainHashing.FormatWithoutRoles : ChainHashing.FormatWithRoles);
            reached = e.Version;
            if (reached == s.Version)
            {
                return previous == s.Link
                    ? new ReceiptCheck(true, Intact, $"version {s.Version} of case {s.Case} is still recorded with the receipted link", reached, previous)
                    : new ReceiptCheck(true, Altered,
                        $"version {s.Version} of case {s.Case} is recorded, but its link is {Short(previous)}…, not the receipted {Short(s.Link)}…: " +
                        "it, or an event before it, was changed", reached, previous);
            }
        }

        return new ReceiptCheck(true, CutOff,
            string.Create(CultureInfo.InvariantCulture, $"case {s.Case} now reaches version {reached}; the receipted version {s.Version} was cut off"),
            reached, reached == 0 ? null : previous);
    }

    /// <summary>Reads a receipt's JSON (as the body of a write carried it), or its header value.</summary>
    public static (WriteReceipt? Receipt, string? Problem) Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = text.Trim();
        try
        {
            if (!text.StartsWith('{') && text.Split('.') is [var statement, var signature])
            {
                var parsed = JsonSerializer.Deserialize<ReceiptStatement>(FromBase64Url(statement), Json);
                return parsed is null ? (null, "it is not a receipt") : (new WriteReceipt(parsed, Convert.ToBase64String(FromBase64Url(signature))), null);
            }

            var receipt = JsonSerializer.Deserialize<WriteReceipt>(text, Json);
            return receipt?.Statement is null || receipt.Signature is null ? (null, "it is not a receipt (no statement or signature)") : (receipt, null);
        }
        catch (Exception e) when (e is JsonException or FormatException)
        {
            return (null, $"it is not a receipt: {e.Message}");
        }
    }

    private static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(padded + new string('=', (4 - padded.Length % 4) % 4));
    }

    private static string Short(string? hex) => hex is { Length: > 12 } ? hex[..12] : hex ?? "";
}
