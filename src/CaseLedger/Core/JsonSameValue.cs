using System.Text.Json;

namespace CaseLedger.Core;

/// <summary>
/// Whether two UTF-8 JSON texts surely hold the same value, walked side by side with nothing built: objects
/// match member by member in any order, arrays item by item, strings by their unescaped bytes, numbers by
/// their literal. It answers "surely the same" or "not surely": a number spelled two ways (<c>1.0</c> and
/// <c>1</c>), a name that needs unescaping, a member given twice or text that is not JSON are not
/// surely the same, and a caller then asks <see cref="CanonicalJson.SameValue"/>, which decides exactly.
/// What a district's verification needs: nearly every stored document is what its events produce, and
/// comparing each through the canonical form cost more than folding it.
/// </summary>
public static class JsonSameValue
{
    /// <summary>A member of an object being matched: where its name and its value start in the text.</summary>
    private record struct Member(int NameStart, int NameLength, int ValueStart, bool Matched);

    // Members of the objects being matched, one frame per level of nesting, reused by the thread's next comparison.
    [ThreadStatic]
    private static Member[]? _members;

    /// <summary>True when <paramref name="left"/> and <paramref name="right"/> surely hold the same JSON value; false when they differ or it takes the canonical form to tell.</summary>
    public static bool Surely(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        if (left.SequenceEqual(right))
        {
            return true;
        }

        try
        {
            _members ??= new Member[64];
            var a = new Utf8JsonReader(left);
            var b = new Utf8JsonReader(right);
            return a.Read() && b.Read() && Value(ref a, right, ref b, 0)
                   && !a.Read() && !b.Read(); // nothing may follow either value
        }
        catch (JsonException)
        {
            return false; // not JSON: the exact comparison says how it differs
        }
    }

    /// <summary>
    /// The left value, read in order by <paramref name="a"/>, against the right one that <paramref name="b"/> stands at the start of
    /// (<paramref name="right"/> is the text <paramref name="b"/> reads, where members found out of order are read again); both
    /// readers end on the last token of their value.
    /// </summary>
    private static bool Value(ref Utf8JsonReader a, ReadOnlySpan<byte> right, ref Utf8JsonReader b, int frame)
    {
        if (a.TokenType != b.TokenType)
        {
            return false;
        }

        return a.TokenType switch
        {
            JsonTokenType.StartObject => Object(ref a, right, ref b, frame),
            JsonTokenType.StartArray => Array(ref a, right, ref b, frame),
            JsonTokenType.String => SameText(ref a, ref b),
            JsonTokenType.Number => a.ValueSpan.SequenceEqual(b.ValueSpan),
            _ => true, // true, false, null: the token says it all
        };
    }

    private static bool Array(ref Utf8JsonReader a, ReadOnlySpan<byte> right, ref Utf8JsonReader b, int frame)
    {
        while (true)
        {
            a.Read();
            b.Read();
            if (a.TokenType == JsonTokenType.EndArray || b.TokenType == JsonTokenType.EndArray)
            {
                return a.TokenType == b.TokenType;
            }

            if (!Value(ref a, right, ref b, frame))
            {
                return false;
            }
        }
    }

    /// <summary>
    /// The right object's members are listed first (names and where their values start); each member of the
    /// left then finds its namesake among them, unmatched so far, and their values are compared, the right one
    /// read again from where it starts.
    /// </summary>
    private static bool Object(ref Utf8JsonReader a, ReadOnlySpan<byte> right, ref Utf8JsonReader b, int frame)
    {
        var start = frame;
        while (b.Read() && b.TokenType == JsonTokenType.PropertyName)
        {
            if (b.ValueIsEscaped)
            {
                return false;
            }

            var name = (int)b.TokenStartIndex + 1; // past the opening quote
            var length = b.ValueSpan.Length;
            b.Read();
            Push(ref frame, new Member(name, length, (int)b.TokenStartIndex, false));
            b.Skip();
        }

        var count = frame - start;
        var matched = 0;
        while (a.Read() && a.TokenType == JsonTokenType.PropertyName)
        {
            if (a.ValueIsEscaped || Find(a.ValueSpan, right, start, frame) is not { } found)
            {
                return false;
            }

            _members![found].Matched = true;
            matched++;
            a.Read();
            var rest = right[_members[found].ValueStart..];
            var value = new Utf8JsonReader(rest);
            value.Read();
            if (!Value(ref a, rest, ref value, frame))
            {
                return false;
            }
        }

        return matched == count;
    }

    /// <summary>The unmatched member of the right object (listed from <paramref name="start"/> to <paramref name="end"/>) of this name.</summary>
    private static int? Find(ReadOnlySpan<byte> name, ReadOnlySpan<byte> right, int start, int end)
    {
        for (var i = start; i < end; i++)
        {
            var m = _members![i];
            if (!m.Matched && m.NameLength == name.Length && right.Slice(m.NameStart, m.NameLength).SequenceEqual(name))
            {
                return i;
            }
        }

        return null;
    }

    private static void Push(ref int frame, Member member)
    {
        if (frame == _members!.Length)
        {
            System.Array.Resize(ref _members, _members.Length * 2);
        }

        _members[frame++] = member;
    }

    /// <summary>Two strings by their unescaped UTF-8 bytes, unescaped only when either needs it.</summary>
    private static bool SameText(ref Utf8JsonReader a, ref Utf8JsonReader b)
    {
        if (!a.ValueIsEscaped && !b.ValueIsEscaped)
        {
            return a.ValueSpan.SequenceEqual(b.ValueSpan);
        }

        var leftLength = a.ValueSpan.Length;
        var rightLength = b.ValueSpan.Length;
        var rented = System.Buffers.ArrayPool<byte>.Shared.Rent(leftLength + rightLength);
        try
        {
            var leftText = rented.AsSpan(0, leftLength);
            var rightText = rented.AsSpan(leftLength, rightLength);
            return leftText[..a.CopyString(leftText)].SequenceEqual(rightText[..b.CopyString(rightText)]);
        }
        finally
        {
            System.Buffers.ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
