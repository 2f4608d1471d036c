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
            return Value(left, 0, right, 0, 0);
        }
        catch (JsonException)
        {
            return false; // not JSON: the exact comparison says how it differs
        }
    }

    /// <summary>The values starting at <paramref name="l"/> in <paramref name="left"/> and <paramref name="r"/> in <paramref name="right"/>.</summary>
    private static bool Value(ReadOnlySpan<byte> left, int l, ReadOnlySpan<byte> right, int r, int frame)
    {
        var a = new Utf8JsonReader(left[l..]);
        var b = new Utf8JsonReader(right[r..]);
        a.Read();
        b.Read();
        if (a.TokenType != b.TokenType)
        {
            return false;
        }

        var same = a.TokenType switch
        {
            JsonTokenType.StartObject => Object(ref a, left, l, ref b, right, r, frame),
            JsonTokenType.StartArray => Array(ref a, left, l, ref b, right, r, frame),
            JsonTokenType.String => SameText(ref a, ref b),
            JsonTokenType.Number => a.ValueSpan.SequenceEqual(b.ValueSpan),
            _ => true, // true, false, null: the token says it all
        };

        // Only the whole text starts at 0 (a value inside starts after its container's first token): nothing may follow it.
        return same && (l > 0 || r > 0 || (!a.Read() && !b.Read()));
    }

    private static bool Array(ref Utf8JsonReader a, ReadOnlySpan<byte> left, int l, ref Utf8JsonReader b, ReadOnlySpan<byte> right, int r, int frame)
    {
        while (true)
        {
            a.Read();
            b.Read();
            if (a.TokenType == JsonTokenType.EndArray || b.TokenType == JsonTokenType.EndArray)
            {
                return a.TokenType == b.TokenType;
            }

            if (!Value(left, l + (int)a.TokenStartIndex, right, r + (int)b.TokenStartIndex, frame))
            {
                return false;
            }

            a.Skip();
            b.Skip();
        }
    }

    /// <summary>
    /// The right object's members are listed first (names and where their values start); each member of the
    /// left then finds its namesake among them, unmatched so far, and their values are compared.
    /// </summary>
    private static bool Object(ref Utf8JsonReader a, ReadOnlySpan<byte> left, int l, ref Utf8JsonReader b, ReadOnlySpan<byte> right, int r, int frame)
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
            Push(ref frame, new Member(r + name, length, r + (int)b.TokenStartIndex, false));
            b.Skip();
        }

        var count = frame - start;
        var matched = 0;
        while (a.Read() && a.TokenType == JsonTokenType.PropertyName)
        {
            if (a.ValueIsEscaped)
            {
                return false;
            }

            var name = a.ValueSpan;
            var found = -1;
            for (var i = start; i < frame; i++)
            {
                var m = _members![i];
                if (!m.Matched && right.Slice(m.NameStart, m.NameLength).SequenceEqual(name))
                {
                    found = i;
                    break;
                }
            }

            if (found < 0)
            {
                return false;
            }

            _members![found].Matched = true;
            matched++;
            a.Read();
            if (!Value(left, l + (int)a.TokenStartIndex, right, _members[found].ValueStart, frame))
            {
                return false;
            }

            a.Skip();
        }

        return matched == count;
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
