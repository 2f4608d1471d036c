using JasperFx.Events;
using Marten;

namespace CaseLedger.Core.Vouching;

/// <summary>A case's events as its hash chain vouches for them, or why it does not.</summary>
/// <param name="Events">The case's events in version order, with their metadata; empty when the chain does not verify.</param>
/// <param name="Problem">Why the chain does not verify (the first break); null when it does.</param>
public sealed record VerifiedHistory(IReadOnlyList<IEvent> Events, string? Problem)
{
    public bool Intact => Problem is null;
}

/// <summary>
/// What the pipeline asks of the evidence (the hash chain, kept by the audit layer) before a command
/// decides, so that it decides only on documents the chain vouches for: the digests the case's newest
/// events recorded of its documents, and, when a stored document does not match them, the case's
/// events checked against its chain, to fold the document again from them.
/// </summary>
public interface ICaseEvidence
{
    /// <summary>
    /// The digests the case's events recorded of its documents kept per case (state, read models,
    /// service record), by type name, as of its newest event: read from what the command's session
    /// already holds for the case where it can. Null when the case has none on record (its events were
    /// appended before digests were kept).
    /// </summary>
    Task<IReadOnlyDictionary<string, string>?> CaseDigestsAsync(IDocumentSession session, Guid caseId, CancellationToken ct);

    /// <summary>The case's events read in the session's transaction, bypassing every cache, and checked link by link against its chain.</summary>
    Task<VerifiedHistory> VerifiedHistoryAsync(IDocumentSession session, Guid caseId, CancellationToken ct);

    /// <summary>
    /// The case whose event wrote the document of <paramref name="type"/> with this key (<c>{type}:{id}</c>)
    /// last, found in the events themselves (not in any document kept from them); null when none did.
    /// Reads the district's events: only for a document whose digest record is missing or stale.
    /// </summary>
    Task<Guid?> LastWriterAsync(IDocumentSession session, Type type, string key, CancellationToken ct);
}

/// <summary>
/// A stored document derived from events that is not what the events produce, found by a command
/// before it decided (it then decided on the document folded from the verified events) or by
/// verification. Kept in the district, listed by verification, never with the document's contents in a log.
/// </summary>
public sealed record TamperFinding
{
    public Guid Id { get; init; }

    /// <summary>The case whose events the document is derived from.</summary>
    public Guid CaseId { get; init; }

    /// <summary>The document: <c>{type}:{id}</c>.</summary>
    public string Document { get; init; } = "";

    /// <summary>What was wrong, in a sentence.</summary>
    public string What { get; init; } = "";

    /// <summary>The first member that differs (a JSON path), when the document was compared member by member.</summary>
    public string? Member { get; init; }

    /// <summary>What the events produce there (JSON), or the digest the events recorded.</summary>
    public string? Expected { get; init; }

    /// <summary>What is stored there (JSON), or the stored document's digest.</summary>
    public string? Stored { get; init; }

    /// <summary>Who found it: <c>command</c> (before a decision) or <c>verification</c>.</summary>
    public string FoundBy { get; init; } = "";

    public DateTimeOffset FoundAt { get; init; }
}

/// <summary>Where the pipeline reports a tamper finding: a log line without personal data, a metric, and the district's record of findings.</summary>
public interface ITamperFindings
{
    Task RecordAsync(string district, TamperFinding finding, CancellationToken ct);
}
