using CaseLedger.Core;

namespace CaseLedger.Audit;

/// <summary>
/// An event row as PostgreSQL sent it, its columns as text and nothing parsed: cheap to read on the one
/// connection that streams a district, and small while it waits for a worker, which parses it
/// (<see cref="ToStoredEvent"/>).
/// </summary>
internal sealed record StoredRow(
    string District,
    long Sequence,
    Guid Id,
    Guid CaseId,
    long Version,
    string Type,
    DateTimeOffset Timestamp,
    string Data,
    string? Headers,
    string? UserName,
    string? CorrelationId,
    string? CausationId,
    bool Archived)
{
    /// <summary>The row with its headers parsed (once, and kept for turning it into a typed event) and its chained fields read.</summary>
    public ChainVerifier.StoredEvent ToStoredEvent()
    {
        var headers = Headers is null ? null : StoredEvents.ParseHeaders(Headers);
        string? Header(string name) => headers is not null && headers.TryGetValue(name, out var v) ? v as string : null;
        return new ChainVerifier.StoredEvent(Sequence, Id, new ChainedEvent(
            CaseId, District, Version, Type, ChainHashing.ToStoredPrecision(Timestamp),
            UserName, Header(CaseHeaders.OnBehalfOf), Header(CaseHeaders.Channel), Header(CaseHeaders.Rule), CorrelationId, CausationId, Data)
        {
            Role = Header(CaseHeaders.Role),
            Issuer = Header(CaseHeaders.Issuer),
            Headers = Headers,
            Sequence = Sequence,
        })
        {
            Archived = Archived,
            ParsedHeaders = headers,
        };
    }
}
