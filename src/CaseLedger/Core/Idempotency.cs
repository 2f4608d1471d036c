namespace CaseLedger.Core;

/// <summary>
/// One <c>Idempotency-Key</c> of one district: the request it was first used with (a hash of the
/// caller, the operation and the body) and, once done, what came of it. It is claimed before the
/// command runs (so a second request with the key while the first is in flight is refused), and
/// completed in the same transaction as the events the command appends; a command that is refused
/// appends nothing and completes its key on its own.
/// </summary>
public sealed record IdempotencyRecord
{
    /// <summary>The key, as the client sent it.</summary>
    public string Id { get; init; } = "";

    /// <summary>SHA-256 of the caller, the operation and the request body the key was first used with.</summary>
    public string RequestHash { get; init; } = "";

    public DateTimeOffset ClaimedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>What the command came to; null while it is in flight.</summary>
    public CommandOutcome? Outcome { get; init; }

    /// <summary>The case a command that opens one targeted (the id it was given).</summary>
    public Guid CaseId { get; init; }
}

/// <summary>The key a command carries to the pipeline, which completes it in the command's own transaction.</summary>
public sealed record IdempotencyClaim(string Key, string RequestHash, DateTimeOffset ClaimedAt);

/// <summary>How long idempotency keys are kept (<c>CaseLedger:Idempotency:RetentionHours</c>, 24 by default).</summary>
public sealed record IdempotencyRetention(TimeSpan Window)
{
    public static IdempotencyRetention Default { get; } = new(TimeSpan.FromHours(24));
}
