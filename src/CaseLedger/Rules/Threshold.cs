using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace CaseLedger.Rules;

/// <summary>How a share is compared with its threshold.</summary>
public enum ThresholdComparison
{
    /// <summary>"two-thirds or more": the exact fraction passes.</summary>
    AtLeast,
    /// <summary>"more than half": the exact fraction does not pass.</summary>
    MoreThan,
}

/// <summary>
/// A threshold such as "at least 2/3" or "more than 1/2", compared in exact arithmetic by cross-multiplying
/// (part × denominator against whole × numerator), so no rounding can move a case across the line.
/// Written in rule files the way the law reads: <c>"at least 2/3"</c>, <c>"more than 1/2"</c>.
/// </summary>
[JsonConverter(typeof(ThresholdJsonConverter))]
public sealed record Threshold(ThresholdComparison Comparison, int Numerator, int Denominator)
{
    public static Threshold AtLeast(int numerator, int denominator) => new(ThresholdComparison.AtLeast, numerator, denominator);

    public static Threshold MoreThan(int numerator, int denominator) => new(ThresholdComparison.MoreThan, numerator, denominator);

    /// <summary>Whether <paramref name="part"/> of <paramref name="whole"/> meets the threshold. An empty whole meets nothing.</summary>
    public bool IsMetBy(decimal part, decimal whole)
    {
        if (whole <= 0)
        {
            return false;
        }

        var left = part * Denominator;
        var right = whole * Numerator;
        return Comparison == ThresholdComparison.AtLeast ? left >= right : left > right;
    }

    /// <summary>How a threshold is written (<see cref="ToString"/>), as a regular expression: "at least 2/3", "more than 1/2".</summary>
    public const string TextPattern = "^(at least|more than) [0-9]+/[0-9]+$";

    public override string ToString() =>
        $"{(Comparison == ThresholdComparison.AtLeast ? "at least" : "more than")} {Numerator}/{Denominator}";

    /// <summary>Reads "at least 2/3" or "more than 1/2".</summary>
    public static Threshold Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var trimmed = text.Trim().ToLowerInvariant();
        ThresholdComparison comparison;
        string fraction;
        if (trimmed.StartsWith("at least ", StringComparison.Ordinal))
        {
            comparison = ThresholdComparison.AtLeast;
            fraction = trimmed["at least ".Length..];
        }
        else if (trimmed.StartsWith("more than ", StringComparison.Ordinal))
        {
            comparison = ThresholdComparison.MoreThan;
            fraction = trimmed["more than ".Length..];
        }
        else
        {
            throw new FormatException($"A threshold reads 'at least N/D' or 'more than N/D', not '{text}'.");
        }

        var parts = fraction.Split('/', StringSplitOptions.TrimEntries);
        if (parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var numerator)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var denominator)
            || denominator == 0 || numerator > denominator)
        {
            throw new FormatException($"'{text}' does not hold a fraction N/D with 0 <= N <= D and D > 0.");
        }

        return new Threshold(comparison, numerator, denominator);
    }
}

internal sealed class ThresholdJsonConverter : JsonConverter<Threshold>
{
    public override Threshold Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return Threshold.Parse(reader.GetString()!);
        }

        throw new JsonException("A threshold is written as a string such as \"at least 2/3\".");
    }

    public override void Write(Utf8JsonWriter writer, Threshold value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString());
}
