using System.Buffers;
using System.Text;
using System.Text.Json;

namespace CaseLedger.Core;

/// <summary>
/// Writes the canonical form of JSON (<see cref="CanonicalJson"/>) as UTF-8 bytes into a buffer it
/// reuses: what hashing many events needs (appending them, checking a district's chains, vouching for
/// the documents a command decides on). It reads the JSON once with a <see cref="Utf8JsonReader"/> and
/// builds no parsed document and no strings: each object's members are written as they come, then put
/// in order in place when they did not come in order. Byte for byte the same as
/// <see cref="CanonicalJson.Canonicalize"/>, encoded as UTF-8. Not thread-safe: one writer per thread.
/// </summary>
public sealed class CanonicalWriter
{
    private byte[] _out = new byte[4096];
    private int _length;

    // The members of the objects being written, innermost last: each object uses the entries and the
    // name bytes from where they stood when it started, and gives them back when it ends.
    private Member[] _members = new Member[32];
    private int _memberCount;
    private byte[] _names = new byte[1024];
    private int _namesLength;

    private byte[] _utf8 = [];

    /// <summary>What has been written since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => _out.AsSpan(0, _length);

    public void Clear() => _length = 0;

    /// <summary>Appends the canonical form of a JSON text.</summary>
    public void Json(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var most = Encoding.UTF8.GetMaxByteCount(json.Length);
        if (_utf8.Length < most)
        {
            _utf8 = new byte[Math.Max(most, 2 * _utf8.Length)];
        }

        var length = Encoding.UTF8.GetBytes(json, _utf8);
        Json(_utf8.AsSpan(0, length));
    }

    /// <summary>Appends the canonical form of a JSON text given as UTF-8 bytes.</summary>
    public void Json(ReadOnlyMemory<byte> utf8) => Json(utf8.Span);

    /// <summary>Appends the canonical form of a JSON text given as UTF-8 bytes.</summary>
    public void Json(ReadOnlySpan<byte> utf8)
    {
        var reader = new Utf8JsonReader(utf8);
        if (!reader.Read())
        {
            throw new JsonException("The JSON text is empty.");
        }

        var members = _memberCount;
        var names = _namesLength;
        try
        {
            Value(ref reader);
            if (reader.Read())
            {
                throw new JsonException("The JSON text holds more than one value.");
            }
        }
        finally
        {
            _memberCount = members;
            _namesLength = names;
        }
    }

    /// <summary>Appends bytes already in canonical form (written by another writer).</summary>
    public void Canonical(ReadOnlySpan<byte> written) => written.CopyTo(Grow(written.Length));

    /// <summary>Appends text as it is (ASCII punctuation, member names already in canonical order).</summary>
    public void Raw(string ascii)
    {
        ArgumentNullException.ThrowIfNull(ascii);
        var span = Grow(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }
    }

    /// <summary>Appends a JSON string in the canonical escaping: only <c>"</c>, <c>\</c> and control characters are escaped.</summary>
    public void Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var most = Encoding.UTF8.GetMaxByteCount(value.Length);
        var rented = most <= 256 ? null : ArrayPool<byte>.Shared.Rent(most);
        Span<byte> utf8 = rented ?? stackalloc byte[256];
        var length = Encoding.UTF8.GetBytes(value, utf8);
        Quoted(utf8[..length]);
        if (rented is not null)
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }

    /// <summary>Appends a string value, or <c>null</c>.</summary>
    public void TextOrNull(string? value)
    {
        if (value is null)
        {
            Raw("null");
        }
        else
        {
            Text(value);
        }
    }

    private void Value(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.StartObject:
                Object(ref reader);
                break;
            case JsonTokenType.StartArray:
                Byte((byte)'[');
                var first = true;
                while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
                {
                    if (!first)
                    {
                        Byte((byte)',');
                    }

                    first = false;
                    Value(ref reader);
                }

                Byte((byte)']');
                break;
            case JsonTokenType.String:
                StringValue(ref reader);
                break;
            case JsonTokenType.Number:
                Number(reader.ValueSpan);
                break;
            case JsonTokenType.True:
                Raw("true");
                break;
            case JsonTokenType.False:
                Raw("false");
                break;
            default:
                Raw("null");
                break;
        }
    }

    /// <summary>
    /// An object: its members written as they come (<c>"name":value</c>, comma-separated), each one's
    /// place and unescaped name noted; then, unless they came in canonical order, written again from a
    /// copy in that order.
    /// </summary>
    private void Object(ref Utf8JsonReader reader)
    {
        Byte((byte)'{');
        var start = _length;
        var firstMember = _memberCount;
        var firstName = _namesLength;
        var inOrder = true;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (_memberCount > firstMember)
            {
                Byte((byte)',');
            }

            var name = Name(ref reader);
            var member = new Member(name.Offset, name.Length, _length, 0);
            Quoted(_names.AsSpan(name.Offset, name.Length));
            Byte((byte)':');
            reader.Read();
            Value(ref reader);
            member = member with { End = _length };
            if (_memberCount > firstMember && inOrder && Compare(_members[_memberCount - 1], member) > 0)
            {
                inOrder = false;
            }

            if (_memberCount == _members.Length)
            {
                Array.Resize(ref _members, 2 * _members.Length);
            }

            _members[_memberCount++] = member;
        }

        var count = _memberCount - firstMember;
        if (!inOrder)
        {
            Reorder(start, firstMember, count);
        }

        Byte((byte)'}');
        _memberCount = firstMember;
        _namesLength = firstName;
    }

    /// <summary>Writes an object's members (from <paramref name="start"/> on) again in canonical order.</summary>
    private void Reorder(int start, int firstMember, int count)
    {
        var written = _length - start;
        var copy = ArrayPool<byte>.Shared.Rent(written);
        _out.AsSpan(start, written).CopyTo(copy);
        Array.Sort(_members, firstMember, count, new MemberOrder(this));
        _length = start;
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                Byte((byte)',');
            }

            var member = _members[firstMember + i];
            Canonical(copy.AsSpan(member.Start - start, member.End - member.Start));
        }

        ArrayPool<byte>.Shared.Return(copy);
    }

    /// <summary>A member's name, unescaped, kept in the name buffer.</summary>
    private (int Offset, int Length) Name(ref Utf8JsonReader reader)
    {
        // An escaped name is never shorter than the name unescaped.
        var most = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (_namesLength + most > _names.Length)
        {
            Array.Resize(ref _names, Math.Max(_namesLength + most, 2 * _names.Length));
        }

        var offset = _namesLength;
        var length = reader.CopyString(_names.AsSpan(offset));
        _namesLength += length;
        return (offset, length);
    }

    private void StringValue(ref Utf8JsonReader reader)
    {
        if (!reader.ValueIsEscaped && !reader.HasValueSequence)
        {
            // Unescaped JSON string content holds no quote, no backslash and no control character: it is canonical as it is.
            Byte((byte)'"');
            Canonical(reader.ValueSpan);
            Byte((byte)'"');
            return;
        }

        var most = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        var rented = ArrayPool<byte>.Shared.Rent(Math.Max(most, 1));
        var length = reader.CopyString(rented);
        Quoted(rented.AsSpan(0, length));
        ArrayPool<byte>.Shared.Return(rented);
    }

    /// <summary>UTF-8 text between quotes, escaping only <c>"</c>, <c>\</c> and control characters (no byte of a multi-byte character is below 0x80).</summary>
    private void Quoted(ReadOnlySpan<byte> utf8)
    {
        Byte((byte)'"');
        var start = 0;
        for (var i = 0; i < utf8.Length; i++)
        {
            var b = utf8[i];
            if (b is not ((byte)'"' or (byte)'\\') && b >= (byte)' ')
            {
                continue;
            }

            Canonical(utf8[start..i]);
            switch (b)
            {
                case (byte)'"':
                    Raw("\\\"");
                    break;
                case (byte)'\\':
                    Raw("\\\\");
                    break;
                default:
                    Raw("\\u00");
                    Byte(HexDigit(b >> 4));
                    Byte(HexDigit(b & 0xF));
                    break;
            }

            start = i + 1;
        }

        Canonical(utf8[start..]);
        Byte((byte)'"');
    }

    private static byte HexDigit(int value) => (byte)(value < 10 ? '0' + value : 'a' + value - 10);

    /// <summary>
    /// A number by its value (<see cref="CanonicalJson.Number"/>). A plain literal of at most 28
    /// characters is exact as a decimal, so it only loses its trailing fractional zeros and a minus on
    /// zero; anything else (an exponent, more digits) goes through the decimal as the text form does.
    /// </summary>
    private void Number(ReadOnlySpan<byte> literal)
    {
        if (literal.Length > 28 || literal.IndexOfAny((byte)'e', (byte)'E') >= 0)
        {
            Raw(CanonicalJson.Number(Encoding.UTF8.GetString(literal)));
            return;
        }

        if (literal.IndexOf((byte)'.') >= 0)
        {
            literal = literal.TrimEnd((byte)'0');
            if (literal[^1] == (byte)'.')
            {
                literal = literal[..^1];
            }
        }

        if (literal.SequenceEqual("-0"u8))
        {
            literal = "0"u8;
        }

        Canonical(literal);
    }

    private void Byte(byte b) => Grow(1)[0] = b;

    private Span<byte> Grow(int by)
    {
        if (_length + by > _out.Length)
        {
            Array.Resize(ref _out, Math.Max(_length + by, 2 * _out.Length));
        }

        var span = _out.AsSpan(_length, by);
        _length += by;
        return span;
    }

    /// <summary>
    /// Members by name in ordinal order of UTF-16 code units, as the canonical form sorts them; equal
    /// names keep the order they came in. UTF-8 bytes sort in code point order, which is the same
    /// except between a character from U+E000 up and one beyond U+FFFF: names holding either are
    /// compared as strings.
    /// </summary>
    private int Compare(Member x, Member y)
    {
        var left = _names.AsSpan(x.NameOffset, x.NameLength);
        var right = _names.AsSpan(y.NameOffset, y.NameLength);
        var order = left.SequenceCompareTo(right);
        if (order != 0 && (left.IndexOfAnyInRange((byte)0xEE, (byte)0xFF) >= 0 || right.IndexOfAnyInRange((byte)0xEE, (byte)0xFF) >= 0))
        {
            order = string.CompareOrdinal(Encoding.UTF8.GetString(left), Encoding.UTF8.GetString(right));
        }

        return order != 0 ? order : x.Start.CompareTo(y.Start);
    }

    /// <summary>Where a member's name is in the name buffer, and where its <c>"name":value</c> is in the output.</summary>
    private readonly record struct Member(int NameOffset, int NameLength, int Start, int End);

    private sealed class MemberOrder(CanonicalWriter writer) : IComparer<Member>
    {
        public int Compare(Member x, Member y) => writer.Compare(x, y);
    }
}
