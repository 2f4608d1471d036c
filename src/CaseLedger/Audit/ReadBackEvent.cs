using JasperFx.Events;

namespace CaseLedger.Audit;

/// <summary>
/// An event read back from its stored row, for folding it again (verification, the rebuild, a bundle): its data and
/// everything the row recorded, under the id it was stored with. Marten's own <c>Event&lt;T&gt;</c> would serve, but
/// its constructor draws a new id for every event, which a district's verification, folding every event it holds,
/// paid for on each one. Tags are not stored with CaseLedger's events, so none are read back, and none may be added.
/// </summary>
internal sealed class ReadBackEvent(object data) : IEvent
{
    public object Data { get; } = data;

    public Type EventType => Data.GetType();

    public Guid Id { get; set; }

    public long Version { get; set; }

    public long Sequence { get; set; }

    public Guid StreamId { get; set; }

    public string? StreamKey { get; set; }

    public DateTimeOffset Timestamp { get; set; }

    public string TenantId { get; set; } = "";

    public string EventTypeName { get; set; } = "";

    public string DotNetTypeName { get; set; } = "";

    public string? CausationId { get; set; }

    public string? CorrelationId { get; set; }

    public Dictionary<string, object>? Headers { get; set; }

    public IReadOnlyList<EventTag> Tags => [];

    public bool IsArchived { get; set; }

    public string? AggregateTypeName { get; set; }

    public string? UserName { get; set; }

    public bool IsSkipped { get; set; }

    public void SetHeader(string key, object value)
    {
        Headers ??= new Dictionary<string, object>(StringComparer.Ordinal);
        Headers[key] = value;
    }

    public object? GetHeader(string key) => Headers?.GetValueOrDefault(key);

    public void AddTag<TTag>(TTag tag) where TTag : notnull =>
        throw new NotSupportedException("An event read back from its row is folded again, not tagged.");

    public void AddTag(EventTag tag) => throw new NotSupportedException("An event read back from its row is folded again, not tagged.");
}
