using System.Security.Cryptography;
using System.Text;
using CaseLedger.Core;
using CaseLedger.Http.Identity;
using JasperFx;
using Marten;
using Microsoft.AspNetCore.Http;

namespace CaseLedger.Http;

/// <summary>
/// Exactly-once commands over HTTP, after the IETF HTTP API working group's <c>Idempotency-Key</c>
/// draft: a POST or PUT may carry a key (per district). The same key with the same request returns
/// the original response and appends nothing; with a different request it is refused (422
/// <c>idempotency.key_reused</c>); while the first request is still in flight, 409
/// <c>idempotency.in_flight</c>. The key is claimed before the command runs and completed in the same
/// transaction as the events it appends. Keys are kept for a retention window
/// (<see cref="IdempotencyRetention"/>), after which a key may be used afresh.
/// </summary>
public static class IdempotentRequests
{
    public const string Header = "Idempotency-Key";
    public const string ReplayedHeader = "Idempotency-Replayed";
    public const int MaxKeyLength = 200;

    /// <summary>
    /// A claim older than this that was never completed is taken to be abandoned (its command's
    /// transaction never committed, or it would have completed the key), and the key may run again.
    /// </summary>
    public static readonly TimeSpan AbandonedAfter = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Claims the request's key. Returns no claim and no result when the request carries no key; a
    /// result (a refusal, or the original response) when the request must not run.
    /// </summary>
    public static async Task<(IdempotencyClaim? Claim, IResult? Answer)> ClaimAsync(HttpContext http, IDocumentStore store, string district,
        ReadOnlyMemory<byte> body, Guid caseId, TimeProvider clock, Func<CommandOutcome, IResult> respond)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(respond);
        var values = http.Request.Headers[Header];
        if (values.Count == 0)
        {
            return (null, null);
        }

        var key = values.Count == 1 ? values[0]?.Trim() ?? "" : "";
        if (key.Length is 0 or > MaxKeyLength || !CaseJson.IsPlainText(key) || key.Any(char.IsControl))
        {
            return (null, CaseHttp.Problem(StatusCodes.Status400BadRequest, "idempotency.key_invalid",
                $"{Header} is one value of 1 to {MaxKeyLength} printable characters (a UUID is a good choice)."));
        }

        var hash = RequestHash(http, body);
        var now = clock.GetUtcNow();
        var claim = new IdempotencyClaim(key, hash, now);
        await using var session = store.LightweightSession(district);
        session.Insert(new IdempotencyRecord { Id = key, RequestHash = hash, ClaimedAt = now, CaseId = caseId });
        try
        {
            await session.SaveChangesAsync(http.RequestAborted);
            return (claim, null);
        }
        catch (Exception e) when (IsDuplicate(e))
        {
        }

        await using var query = store.LightweightSession(district);
        var existing = await query.LoadAsync<IdempotencyRecord>(key, http.RequestAborted);
        if (existing is null)
        {
            // Purged between the two steps (it had outlived the retention window): the key is fresh again.
            query.Store(new IdempotencyRecord { Id = key, RequestHash = hash, ClaimedAt = now, CaseId = caseId });
            await query.SaveChangesAsync(http.RequestAborted);
            return (claim, null);
        }

        if (existing.RequestHash != hash)
        {
            return (null, CaseHttp.Problem(StatusCodes.Status422UnprocessableEntity, "idempotency.key_reused",
                $"This {Header} was first used with a different request; use a new key for a new request."));
        }

        if (existing.Outcome is { } outcome)
        {
            // The outcome was kept in the write's own transaction, before the chain issued its receipt: the receipt is read beside it.
            if (outcome is { IsAccepted: true, Receipt: null, Appended.Count: > 0 }
                && await query.LoadAsync<Core.Vouching.IssuedReceipt>(Core.Vouching.IssuedReceipt.IdFor(outcome.CaseId, outcome.Version), http.RequestAborted) is { } issued)
            {
                outcome = outcome with { Receipt = issued.Receipt };
            }

            http.Response.Headers[ReplayedHeader] = "true";
            return (null, respond(outcome));
        }

        if (now - existing.ClaimedAt < AbandonedAfter)
        {
            return (null, CaseHttp.Problem(StatusCodes.Status409Conflict, "idempotency.in_flight",
                $"A request with this {Header} is still being processed; retry in a moment."));
        }

        query.Store(existing with { ClaimedAt = now });
        await query.SaveChangesAsync(http.RequestAborted);
        return (claim with { ClaimedAt = now }, null);
    }

    /// <summary>
    /// Completes the key with what came of the command, unless the command already completed it in its
    /// own transaction (an accepted command that appended events does).
    /// </summary>
    public static async Task CompleteAsync(IDocumentStore store, string district, IdempotencyClaim claim, Guid caseId, CommandOutcome outcome,
        DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(claim);
        await using var session = store.LightweightSession(district);
        if (await session.LoadAsync<IdempotencyRecord>(claim.Key, ct) is { Outcome: not null })
        {
            return;
        }

        session.Store(new IdempotencyRecord
        {
            Id = claim.Key, RequestHash = claim.RequestHash, ClaimedAt = claim.ClaimedAt, CompletedAt = now, Outcome = outcome, CaseId = caseId,
        });
        await session.SaveChangesAsync(ct);
    }

    /// <summary>Frees a key whose command failed without an answer, so a retry may run it.</summary>
    public static async Task ReleaseAsync(IDocumentStore store, string district, IdempotencyClaim claim)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(claim);
        await using var session = store.LightweightSession(district);
        session.Delete<IdempotencyRecord>(claim.Key);
        await session.SaveChangesAsync();
    }

    /// <summary>The caller, the operation (method and path) and the body: what makes two requests the same request.</summary>
    private static string RequestHash(HttpContext http, ReadOnlyMemory<byte> body)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(Encoding.UTF8.GetBytes(
            $"{CaseLedgerClaims.SubjectOf(http.User)}\n{http.User.FindFirst(CaseLedgerClaims.Issuer)?.Value}\n{http.Request.Method}\n{http.Request.Path}\n"));
        sha.AppendData(body.Span);
        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static bool IsDuplicate(Exception e) =>
        e is DocumentAlreadyExistsException || (e.InnerException is { } inner && IsDuplicate(inner));
}
