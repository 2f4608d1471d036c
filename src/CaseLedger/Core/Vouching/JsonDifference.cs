using System.Globalization;
using System.Text.Json;

namespace CaseLedger.Core.Vouching;

/// <summary>The first member where two JSON documents differ: its path (<c>tally.yesShares</c>, <c>roll[3].ownerId</c>) and both values in canonical JSON.</summary>
public sealed record JsonDifference(string Member, string? Expected, string? Found)
{
    /// <summary>
    /// The first difference between two JSON texts, comparing by value (members in any order, numbers
    /// by value as <see cref="CanonicalJson"/> writes them); null when they are the same. A member
    /// present in one and absent in the other shows as <c>null</c> on the side that lacks it.
    /// </summary>
    public static JsonDifference? Between(string expected, string found)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(found);
        using var left = JsonDocument.Parse(expected);
        using var right = JsonDocument.Parse(found);
        return Compare("", left.RootElement, right.RootElement);
    }

    private static JsonDifference? Compare(string path, JsonElement? expected, JsonElement? found)
    {
        if (expected is not { } e || found is not { } f)
        {
            return expected is null && found is null ? null : new JsonDifference(Name(path), Write(expected), Write(found));
        }

        if (e.ValueKind == JsonValueKind.Object && f.ValueKind == JsonValueKind.Object)
        {
            var names = e.EnumerateObject().Select(p => p.Name).Union(f.EnumerateObject().Select(p => p.Name)).Order(StringComparer.Ordinal);
            foreach (var name in names)
            {
                if (Compare(path.Length == 0 ? name : $"{path}.{name}", MemberOf(e, name), MemberOf(f, name)) is { } inner)
                {
                    return inner;
                }
            }

            return null;
        }

        if (e.ValueKind == JsonValueKind.Array && f.ValueKind == JsonValueKind.Array)
        {
            var (a, b) = (e.EnumerateArray().ToList(), f.EnumerateArray().ToList());
            for (var i = 0; i < Math.Max(a.Count, b.Count); i++)
            {
                if (Compare(string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), i < a.Count ? a[i] : null, i < b.Count ? b[i] : null) is { } inner)
                {
                    return inner;
                }
            }

            return null;
        }

        var (x, y) = (CanonicalJson.Write(e), CanonicalJson.Write(f));
        return x == y ? null : new JsonDifference(Name(path), x, y);
    }

    private static JsonElement? MemberOf(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    private static string? Write(JsonElement? element) => element is { } e ? CanonicalJson.Write(e) : null;

    private static string Name(string path) => path.Length == 0 ? "(the whole document)" : path;
}
