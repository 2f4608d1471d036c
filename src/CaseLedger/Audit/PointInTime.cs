using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using CaseLedger.Core;
using Marten;

namespace CaseLedger.Audit;

/// <summary>A moment in a case's history: a stream version, or an instant (the last event at or before it).</summary>
public sealed record HistoryPoint(long? Version = null, DateTimeOffset? At = null)
{
    public static readonly HistoryPoint Latest = new();

    public override string ToString() =>
        Version is { } v ? $"version {v}" : At is { } at ? $"as of {at:u}" : "latest";
}

/// <summary>
/// A case as it looked at one point: its read model built from the events up to there.
/// <paramref name="Version"/> is the number of events applied (0 before the first one), and the
/// read model carries the same version as its own <c>version</c>, as the live read model does.
/// </summary>
public sealed record CaseAt(Guid CaseId, string District, string? Kind, long Version, long LatestVersion, DateTimeOffset? LastEventAt, object? State);

/// <summary>
/// One leaf that differs between two points, with its values as JSON (a number stays a number, a
/// text a text). A value the path does not have at that point (a list shorter then, a read model not
/// yet there) is absent, and left out; a member that held null holds JSON null.
/// </summary>
public sealed record FieldChange(
    string Path,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? Before,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] JsonElement? After);

/// <summary>What changed between two points of a case, and the events that lie between them.</summary>
public sealed record CaseDiff(Guid CaseId, string District, long FromVersion, long ToVersion, IReadOnlyList<FieldChange> Changes, IReadOnlyList<CaseEventView> EventsBetween);

/// <summary>Replays a case's events up to a point through its kind's own read-model function.</summary>
public static class PointInTime
{
    public static async Task<CaseAt?> AsOfAsync(IDocumentStore store, CaseKinds kinds, string district, Guid caseId, HistoryPoint point, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(kinds);
        ArgumentNullException.ThrowIfNull(point);
        await using var session = store.QuerySession(district);
        var stream = await session.Events.FetchStreamStateAsync(caseId, ct);
        if (stream is null)
        {
            return null;
        }

        // The store compares times in UTC (Npgsql refuses a time with another offset): +08:00 and Z are the same instant.
        var events = await session.Events.FetchStreamAsync(caseId, point.Version ?? 0, point.At?.ToUniversalTime(), token: ct);
        var kind = kinds.ForStateType(stream.AggregateType) ?? events.Select(e => kinds.ForEventType(e.EventType)).FirstOrDefault(k => k is not null);
        // One number for both: the events applied, which is the stream version they reach (a case's
        // stream starts at 1 and has no gaps); the read model is stamped with it as the store stamps the live one.
        return new CaseAt(caseId, district, kind?.Name, events.Count, stream.Version,
            events.Count == 0 ? null : events[^1].Timestamp, kind?.View(events.Select(e => e.Data)));
    }

    public static async Task<CaseDiff?> DiffAsync(IDocumentStore store, CaseKinds kinds, string district, Guid caseId, HistoryPoint from, HistoryPoint to, CancellationToken ct = default)
    {
        var before = await AsOfAsync(store, kinds, district, caseId, from, ct);
        var after = await AsOfAsync(store, kinds, district, caseId, to, ct);
        if (before is null || after is null)
        {
            return null;
        }

        await using var session = store.QuerySession(district);
        var (low, high) = before.Version <= after.Version ? (before.Version, after.Version) : (after.Version, before.Version);
        var between = (await session.Events.FetchStreamAsync(caseId, high, fromVersion: low + 1, token: ct))
            .Where(e => e.Version > low && e.Version <= high)
            .Select(CaseHistories.View)
            .ToList();
        return new CaseDiff(caseId, district, before.Version, after.Version, Compare(before.State, after.State), between);
    }

    /// <summary>Every leaf that differs between two states, by JSON path, with its values as JSON.</summary>
    public static IReadOnlyList<FieldChange> Compare(object? before, object? after)
    {
        var left = Flatten(before is null ? null : JsonSerializer.SerializeToNode(before, before.GetType(), CaseJson.Options));
        var right = Flatten(after is null ? null : JsonSerializer.SerializeToNode(after, after.GetType(), CaseJson.Options));
        return left.Keys.Union(right.Keys)
            .Order(StringComparer.Ordinal)
            .Select(path => (Path: path, Before: left.TryGetValue(path, out var b) ? b : null, After: right.TryGetValue(path, out var a) ? a : null))
            .Where(change => change.Before?.ToJsonString() != change.After?.ToJsonString())
            .Select(change => new FieldChange(change.Path, Value(change.Before), Value(change.After)))
            .ToList();
    }

    /// <summary>A leaf as a JSON value: null for an absent leaf, a JSON null for a leaf that held null.</summary>
    private static JsonElement? Value(Leaf? leaf) => leaf is null ? null : JsonSerializer.SerializeToElement(leaf.Node, CaseJson.Options);

    /// <summary>A leaf that is present; its node is null when the leaf holds JSON null.</summary>
    private sealed record Leaf(JsonNode? Node)
    {
        public string ToJsonString() => Node?.ToJsonString() ?? "null";
    }

    private static Dictionary<string, Leaf> Flatten(JsonNode? node)
    {
        var leaves = new Dictionary<string, Leaf>(StringComparer.Ordinal);
        if (node is null)
        {
            // No read model at that point (before the case's first event): it has no leaves at all.
            return leaves;
        }

        void Walk(JsonNode? current, string path)
        {
            switch (current)
            {
                case JsonObject obj:
                    foreach (var (name, child) in obj)
                    {
                        Walk(child, path.Length == 0 ? name : $"{path}.{name}");
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        Walk(array[i], $"{path}[{i}]");
                    }

                    if (array.Count == 0)
                    {
                        leaves[path] = new Leaf(new JsonArray());
                    }

                    break;
                default:
                    leaves[path] = new Leaf(current?.DeepClone());
                    break;
            }
        }

        Walk(node, "");
        return leaves;
    }
}
