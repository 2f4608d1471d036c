using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CaseLedger.Core;

/// <summary>
/// Writes the canonical form of JSON (<see cref="CanonicalJson"/>) as UTF-8 bytes into a buffer it
/// reuses, with no string built on the way: what hashing many events needs (appending them, checking a
/// district's chains). Byte for byte the same as <see cref="CanonicalJson.Canonicalize"/>, encoded as UTF-8.
/// Not thread-safe: one writer per thread.
/// </summary>
public sealed class CanonicalWriter
{
    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private (string Name, JsonElement Value)[] _members = new (string, JsonElement)[16];

    /// <summary>What has been written since the last <see cref="Clear"/>.</summary>
    public ReadOnlySpan<byte> Written => _buffer.WrittenSpan;

    public void Clear() => _buffer.ResetWrittenCount();

    /// <summary>Appends the canonical form of a JSON text.</summary>
    public void Json(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        using var document = JsonDocument.Parse(json);
        Element(document.RootElement);
    }

    /// <summary>Appends the canonical form of a JSON text given as UTF-8 bytes.</summary>
    public void Json(ReadOnlyMemory<byte> utf8)
    {
        using var document = JsonDocument.Parse(utf8);
        Element(document.RootElement);
    }

    /// <summary>Appends bytes already in canonical form (written by another writer).</summary>
    public void Canonical(ReadOnlySpan<byte> written)
    {
        written.CopyTo(_buffer.GetSpan(written.Length));
        _buffer.Advance(written.Length);
    }

    /// <summary>Appends text as it is (ASCII punctuation, member names already in canonical order).</summary>
    public void Raw(string ascii)
    {
        ArgumentNullException.ThrowIfNull(ascii);
        var span = _buffer.GetSpan(ascii.Length);
        for (var i = 0; i < ascii.Length; i++)
        {
            span[i] = (byte)ascii[i];
        }

        _buffer.Advance(ascii.Length);
    }

    /// <summary>Appends a JSON string in the canonical escaping: only <c>"</c>, <c>\</c> and control characters are escaped.</summary>
    public void Text(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        Byte((byte)'"');
        var start = 0;
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c is not ('"' or '\\') && c >= ' ')
            {
                continue;
            }

            Utf8(value.AsSpan(start, i - start));
            Raw(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                _ => "\\u" + ((int)c).ToString("x4", CultureInfo.InvariantCulture),
            });
            start = i + 1;
        }

        Utf8(value.AsSpan(start));
        Byte((byte)'"');
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

    private void Element(JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                Object(element);
                break;
            case JsonValueKind.Array:
                Byte((byte)'[');
                var first = true;
                foreach (var item in element.EnumerateArray())
                {
                    if (!first)
                    {
                        Byte((byte)',');
                    }

                    first = false;
                    Element(item);
                }

                Byte((byte)']');
                break;
            case JsonValueKind.String:
                Text(element.GetString()!);
                break;
            case JsonValueKind.Number:
                Raw(CanonicalJson.Number(element.GetRawText()));
                break;
            case JsonValueKind.True:
                Raw("true");
                break;
            case JsonValueKind.False:
                Raw("false");
                break;
            default:
                Raw("null");
                break;
        }
    }

    private void Object(JsonElement element)
    {
        var count = 0;
        foreach (var property in element.EnumerateObject())
        {
            if (count == _members.Length)
            {
                Array.Resize(ref _members, count * 2);
            }

            _members[count++] = (property.Name, property.Value);
        }

        // A nested object reuses the array, so this object's members are copied out before recursing.
        (string Name, JsonElement Value)[] members = count <= 8 ? new (string, JsonElement)[count] : ArrayPool<(string, JsonElement)>.Shared.Rent(count);
        Array.Copy(_members, members, count);
        Array.Sort(members, 0, count, MemberOrder.Instance);
        Byte((byte)'{');
        for (var i = 0; i < count; i++)
        {
            if (i > 0)
            {
                Byte((byte)',');
            }

            Text(members[i].Name);
            Byte((byte)':');
            Element(members[i].Value);
        }

        Byte((byte)'}');
        if (count > 8)
        {
            ArrayPool<(string, JsonElement)>.Shared.Return(members, clearArray: true);
        }
    }

    private void Byte(byte b)
    {
        _buffer.GetSpan(1)[0] = b;
        _buffer.Advance(1);
    }

    private void Utf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var written = Encoding.UTF8.GetBytes(text, _buffer.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length)));
        _buffer.Advance(written);
    }

    /// <summary>Members by name in ordinal order of UTF-16 code units, as the canonical form sorts them.</summary>
    private sealed class MemberOrder : IComparer<(string Name, JsonElement Value)>
    {
        public static readonly MemberOrder Instance = new();

        public int Compare((string Name, JsonElement Value) x, (string Name, JsonElement Value) y) => string.CompareOrdinal(x.Name, y.Name);
    }
}
