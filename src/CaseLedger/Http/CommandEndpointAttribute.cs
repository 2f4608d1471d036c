namespace CaseLedger.Http;

/// <summary>
/// Marks an endpoint that runs a case's command, so the API description declares the headers every
/// command takes (<c>X-On-Behalf-Of</c>, <c>If-Match</c>, <c>Idempotency-Key</c>, <c>X-Correlation-Id</c>)
/// and answers with (<c>ETag</c>, the receipt, <c>Idempotency-Replayed</c>; <c>Location</c> for an opening).
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class CommandEndpointAttribute(bool opensCase) : Attribute
{
    public bool OpensCase { get; } = opensCase;
}
