using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CaseLedger.Core;

/// <summary>
/// The one JSON form that hashing uses, so the same value hashes the same whether it was just
/// serialized by .NET or read back from PostgreSQL's jsonb (which reorders keys and drops spaces):
/// objects with members sorted by ordinal code-unit order of their names, no insignificant white
/// space, numbers by value (see <see cref="Number"/>), strings escaping only <c>"</c>, <c>\</c> and control
/// characters (as <c>\u00xx</c>, lower-case hex), everything else as UTF-8. Documented in
/// docs/tamper-evidence.md.
/// </summary>
public static class CanonicalJson
{
    [ThreadStatic]
    private static (CanonicalWriter Left, CanonicalWriter Right)? _comparers;

    /// <summary>Whether two JSON texts hold the same value (the same canonical form), with nothing built but two reusable buffers.</summary>
    public static bool SameValue(string left, string right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (string.Equals(left, right, StringComparison.Ordinal))
        {
            return true;
        }

        var (a, b) = _comparers ??= (new CanonicalWriter(), new CanonicalWriter());
        a.Clear();
        b.Clear();
        a.Json(left);
        b.Json(right);
        return a.Written.SequenceEqual(b.Written);
    }

    public static string Canonicalize(string json)
    {
        using var document = JsonDocument.Parse(json);
        return Write(document.RootElement);
    }

    public static string Write(JsonElement element)
    {
        var builder = new StringBuilder();
        Append(builder, element);
        return builder.ToString();
    }

    private static void Append(StringBuilder builder, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                builder.Append('{');
                var first = true;
                foreach (var property in element.EnumerateObject().OrderBy(p => p.Name, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        builder.Append(',');
                    }

                    first = false;
                    AppendString(builder, property.Name);
                    builder.Append(':');
                    Append(builder, property.Value);
                }

                builder.Append('}');
                break;
            case JsonValueKind.Array:
                builder.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0)
                    {
                        builder.Append(',');
                    }

                    Append(builder, item);
                }

                builder.Append(']');
                break;
            case JsonValueKind.String:
                AppendString(builder, element.GetString()!);
                break;
            case JsonValueKind.Number:
                builder.Append(Number(element.GetRawText()));
                break;
            case JsonValueKind.True:
                builder.Append("true");
                break;
            case JsonValueKind.False:
                builder.Append("false");
                break;
            default:
                builder.Append("null");
                break;
        }
    }

    /// <summary>
    /// A number by its value, not its spelling: no exponent, no trailing fractional zeros, no "-0",
    /// so 1280000.00, 1280000.0 and 1.28e6 all read 1280000 whoever serialized them.
    /// </summary>
    public static string Number(string literal)
    {
        ArgumentNullException.ThrowIfNull(literal);
        if (!decimal.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
        {
            return literal; // beyond decimal's range: keep the literal as written
        }

        var text = value.ToString("0.############################", CultureInfo.InvariantCulture);
        return text == "-0" ? "0" : text;
    }

    public static void AppendString(StringBuilder builder, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(value);
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"':
                    builder.Append("\\\"");
                    break;
                case '\\':
                    builder.Append("\\\\");
                    break;
                case < ' ':
                    builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    builder.Append(c);
                    break;
            }
        }

        builder.Append('"');
    }
}
