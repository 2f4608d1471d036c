using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace CaseLedger.Core;

/// <summary>
/// CaseLedger's JSON conventions, one instance of each: camelCase members and enums by name for
/// everything it writes (<see cref="Options"/>), and, for everything it reads from outside (request
/// bodies, seed files), the same conventions held strictly (<see cref="Strict"/>).
/// </summary>
public static class CaseJson
{
    /// <summary>How CaseLedger writes JSON (responses, bundles, diffs, the command line).</summary>
    public static JsonSerializerOptions Options { get; } = Freeze(Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>
    /// How CaseLedger reads JSON it is given: required members must be present (no silent default),
    /// a null is refused where the type does not allow one, unknown members are refused, enums are read
    /// by name only (one name, never a number), numbers must be JSON numbers no larger than
    /// <see cref="InputLimits.Number"/>, dates and times are ISO 8601 within
    /// <see cref="InputLimits.EarliestYear"/> to <see cref="InputLimits.LatestYear"/>, and text may not
    /// hold control characters. Text is at most as long as its member's <see cref="MaxLengthAttribute"/>
    /// says, else <see cref="InputLimits.Text"/>; a list at most as many entries as its member's says.
    /// </summary>
    public static JsonSerializerOptions Strict { get; } = Freeze(ConfigureStrict(new JsonSerializerOptions(JsonSerializerDefaults.Web)));

    /// <summary>Applies the output conventions to options the framework owns (ASP.NET Core's, Marten's).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        // Numbers are JSON numbers, never text: what CaseLedger writes, and all the API description admits.
        options.NumberHandling = JsonNumberHandling.Strict;
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        // Amounts (yuan, m²) always with their two decimals: 2500.00, never 2500.0 or 2500.
        options.TypeInfoResolver = (options.TypeInfoResolver ?? new DefaultJsonTypeInfoResolver()).WithAddedModifier(AmountsWithTwoDecimals);
        return options;
    }

    /// <summary>
    /// Writes every time in the district's civil time (<paramref name="civilOffset"/>, the rule book's
    /// UTC offset): <c>2025-03-04T09:30:00+08:00</c>, whether it was recorded in UTC or given with another
    /// offset, so that one answer never mixes zones. The same instant either way; times are read as given.
    /// </summary>
    public static JsonSerializerOptions InCivilTime(JsonSerializerOptions options, TimeSpan civilOffset)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Converters.Add(new CivilTimeConverter(civilOffset));
        return options;
    }

    private sealed class CivilTimeConverter(TimeSpan civilOffset) : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDateTimeOffset();

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToOffset(civilOffset));
    }

    /// <summary>
    /// Every decimal member but a <see cref="FractionAttribute">fraction</see> is an amount in hundredths
    /// (yuan with fen, m² with two decimals) and is written with two decimals, whatever scale it was
    /// computed or stored with; one with more decimal places (never, for an amount) is written as it is.
    /// </summary>
    private static void AmountsWithTwoDecimals(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var property in type.Properties)
        {
            if (property.AttributeProvider?.IsDefined(typeof(FractionAttribute), inherit: true) == true)
            {
                continue;
            }

            if (property.PropertyType == typeof(decimal))
            {
                property.CustomConverter = Hundredths.Instance;
            }
            else if (property.PropertyType == typeof(decimal?))
            {
                property.CustomConverter = NullableHundredths.Instance;
            }
        }
    }

    private sealed class Hundredths : JsonConverter<decimal>
    {
        public static readonly Hundredths Instance = new();

        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetDecimal();

        // Adding 0.00 gives a decimal of scale two or more with the same value.
        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteNumberValue(value.Scale < 2 ? value + 0.00m : value);
    }

    private sealed class NullableHundredths : JsonConverter<decimal?>
    {
        public static readonly NullableHundredths Instance = new();

        public override bool HandleNull => true;

        public override decimal? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.Null ? null : reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal? value, JsonSerializerOptions options)
        {
            if (value is { } amount)
            {
                Hundredths.Instance.Write(writer, amount, options);
            }
            else
            {
                writer.WriteNullValue();
            }
        }
    }

    private static JsonSerializerOptions ConfigureStrict(JsonSerializerOptions options)
    {
        Configure(options);
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.AllowDuplicateProperties = false;
        options.MaxDepth = 16;
        options.Converters.Insert(0, new OneNameEnumConverter());
        options.Converters.Add(new PlainTextConverter(InputLimits.Text));
        options.Converters.Add(new BoundedDecimalConverter());
        options.Converters.Add(new BoundedWholeNumberConverter());
        options.Converters.Add(new PlausibleTimeConverter());
        options.Converters.Add(new PlausibleDateConverter());
        options.TypeInfoResolver = new DefaultJsonTypeInfoResolver { Modifiers = { NullableMayBeLeftOut, ApplyDeclaredLimits } };
        return options;
    }

    private static JsonSerializerOptions Freeze(JsonSerializerOptions options)
    {
        options.TypeInfoResolver ??= new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
    }

    /// <summary>What is wrong with JSON read strictly, in words, without the .NET type names System.Text.Json puts in its messages.</summary>
    public static string Describe(JsonException e)
    {
        ArgumentNullException.ThrowIfNull(e);
        var at = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "the body" : e.Path;
        var message = e.Message;
        if (message.Contains("missing required properties", StringComparison.OrdinalIgnoreCase))
        {
            var start = message.IndexOf("including: ", StringComparison.Ordinal);
            var names = start >= 0 ? message[(start + 11)..].TrimEnd('.') : "";
            return $"{at} is missing required members: {names}.";
        }

        if (message.Contains("could not be mapped", StringComparison.OrdinalIgnoreCase))
        {
            // The path already ends in the unknown member; name the object that does not have it.
            var quoted = message.Split('\'');
            if (quoted.Length <= 2)
            {
                return $"{at} holds a member this request does not have.";
            }

            var member = quoted[1];
            var owner = at.EndsWith($".{member}", StringComparison.Ordinal) ? at[..^(member.Length + 1)] : at;
            return $"{(owner == "$" ? "the body" : owner)} has no member '{member}'.";
        }

        if (message.Contains("Duplicate", StringComparison.OrdinalIgnoreCase))
        {
            return $"{at} names the same member twice.";
        }

        if (message.Contains("non-nullable", StringComparison.OrdinalIgnoreCase)
            || message.Contains("allow null", StringComparison.OrdinalIgnoreCase))
        {
            return $"{at} may not be null.";
        }

        // Messages of CaseLedger's own converters speak the caller's language; the framework's name .NET types.
        if (e.InnerException is null && !message.Contains("type '", StringComparison.Ordinal) && !message.Contains("System.", StringComparison.Ordinal)
            && !message.Contains("could not be converted", StringComparison.Ordinal))
        {
            return $"{at}: {message}";
        }

        return $"{at} is not a valid value here (check its type: text, number, true/false, list or object, and enum names).";
    }

    /// <summary>Text without control characters (tab, line feed and carriage return aside).</summary>
    public static bool IsPlainText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c) && c is not ('\t' or '\n' or '\r'))
            {
                return false;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Reads an enum from exactly one of its names (in any case), never from a number or from a
    /// comma-separated list of names, which the framework's converter would combine into another value.
    /// </summary>
    private sealed class OneNameEnumConverter : JsonConverterFactory
    {
        public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

        public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
            (JsonConverter)Activator.CreateInstance(typeof(OneName<>).MakeGenericType(typeToConvert))!;

        private sealed class OneName<TEnum> : JsonConverter<TEnum> where TEnum : struct, Enum
        {
            private static readonly string[] Names = Enum.GetNames<TEnum>();

            public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
            {
                var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                var name = text is null ? null : Array.Find(Names, n => string.Equals(n, text, StringComparison.OrdinalIgnoreCase));
                return name is not null
                    ? Enum.Parse<TEnum>(name)
                    : throw new JsonException($"expected one of: {string.Join(", ", Names)}");
            }

            public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options) =>
                writer.WriteStringValue(value.ToString());
        }
    }

    /// <summary>
    /// A member that may be null may be left out, and is then null: what the API description says of
    /// every body it reads (README, "The API description"), whether or not the record gives the member a
    /// default. A constructor parameter without one would otherwise have to be written, if only as null
    /// (a kept seal file's <c>previous</c>, sent back to be checked). Members that may not be null stay required.
    /// </summary>
    private static void NullableMayBeLeftOut(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        foreach (var member in type.Properties)
        {
            if (member.IsRequired && member.AssociatedParameter is { IsNullable: true, HasDefaultValue: false })
            {
                member.IsRequired = false;
            }
        }
    }

    /// <summary>
    /// Holds each member to the limit its <see cref="MaxLengthAttribute"/> declares: text to that many
    /// characters (read by its own converter, so a refusal names the member's path), a list to that many
    /// entries; and refuses a null entry in a list whose entries may not be null (which the framework's
    /// nullable annotations do not reach). Lists are checked once their object is read, so a refusal
    /// names the object and the member.
    /// </summary>
    private static void ApplyDeclaredLimits(JsonTypeInfo type)
    {
        if (type.Kind != JsonTypeInfoKind.Object)
        {
            return;
        }

        var lists = new List<(JsonPropertyInfo Member, int? Max, bool NoNulls)>();
        foreach (var member in type.Properties)
        {
            var limit = member.AttributeProvider?.GetCustomAttributes(typeof(MaxLengthAttribute), inherit: true) is [MaxLengthAttribute declared, ..]
                ? declared
                : null;
            if (member.PropertyType == typeof(string))
            {
                if (limit is not null)
                {
                    member.CustomConverter = new PlainTextConverter(limit.Length);
                }
            }
            else if (typeof(IEnumerable).IsAssignableFrom(member.PropertyType) && member.Get is not null
                     && (limit is not null || EntriesMayNotBeNull(member)))
            {
                lists.Add((member, limit?.Length, EntriesMayNotBeNull(member)));
            }
        }

        if (lists.Count == 0)
        {
            return;
        }

        var before = type.OnDeserialized;
        type.OnDeserialized = value =>
        {
            foreach (var (member, max, noNulls) in lists)
            {
                if (member.Get!(value) is not IEnumerable list)
                {
                    continue;
                }

                var entries = list.Cast<object?>().ToList();
                if (entries.Count > max)
                {
                    throw new JsonException($"{member.Name} holds at most {max} entries, not {entries.Count}");
                }

                if (noNulls && entries.Contains(null))
                {
                    throw new JsonException($"{member.Name} may not hold null entries");
                }
            }

            before?.Invoke(value);
        };
    }

    /// <summary>Whether a list member's entries are declared not null (<c>IReadOnlyList&lt;string&gt;</c>, not <c>IReadOnlyList&lt;string?&gt;</c>).</summary>
    private static bool EntriesMayNotBeNull(JsonPropertyInfo member)
    {
        if (member.AttributeProvider is not System.Reflection.PropertyInfo property)
        {
            return false;
        }

        var nullability = new System.Reflection.NullabilityInfoContext().Create(property);
        var entry = nullability.ElementType ?? (nullability.GenericTypeArguments is [var only] ? only : null);
        return entry is { ReadState: System.Reflection.NullabilityState.NotNull } && !entry.Type.IsValueType;
    }

    /// <summary>
    /// Reads strings, refusing control characters (a NUL cannot even be stored by PostgreSQL) and text
    /// longer than the member allows. Text far over the limit is refused before it is decoded.
    /// </summary>
    private sealed class PlainTextConverter(int maxLength) : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"expected text, found {Describe(reader.TokenType)}");
            }

            // An escape (\uXXXX) takes at most six bytes per character, so more bytes than that cannot be short enough.
            var bytes = reader.HasValueSequence ? reader.ValueSequence.Length : reader.ValueSpan.Length;
            if (bytes > 6L * maxLength)
            {
                throw TooLong();
            }

            var text = reader.GetString()!;
            if (text.Length > maxLength)
            {
                throw TooLong();
            }

            return IsPlainText(text) ? text : throw new JsonException("text may not contain control characters");
        }

        private JsonException TooLong() => new($"text is at most {maxLength.ToString(CultureInfo.InvariantCulture)} characters long");

        public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);

        private static string Describe(JsonTokenType token) => token switch
        {
            JsonTokenType.Number => "a number",
            JsonTokenType.True or JsonTokenType.False => "true or false",
            JsonTokenType.StartObject => "an object",
            JsonTokenType.StartArray => "a list",
            _ => token.ToString(),
        };
    }

    /// <summary>Reads decimals (amounts, areas) as JSON numbers no larger, either sign, than <see cref="InputLimits.Number"/>.</summary>
    private sealed class BoundedDecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetDecimal(out var value) || Math.Abs(value) > InputLimits.Number)
            {
                throw new JsonException($"expected a number, no larger than {InputLimits.Number.ToString("#,0", CultureInfo.InvariantCulture)} either way");
            }

            return value;
        }

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    /// <summary>
    /// Reads 64-bit whole numbers (a seal's number and sizes, sent back to be checked) within the same
    /// bound as amounts: a JSON number no larger, either sign, than <see cref="InputLimits.Number"/>. A
    /// 32-bit one is bounded by its type already.
    /// </summary>
    private sealed class BoundedWholeNumberConverter : JsonConverter<long>
    {
        public override long Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            // Compared both ways rather than through Math.Abs, which has no answer for long.MinValue.
            const long bound = (long)InputLimits.Number;
            if (reader.TokenType != JsonTokenType.Number || !reader.TryGetInt64(out var value) || value > bound || value < -bound)
            {
                throw new JsonException($"expected a whole number, no larger than {InputLimits.Number.ToString("#,0", CultureInfo.InvariantCulture)} either way");
            }

            return value;
        }

        public override void Write(Utf8JsonWriter writer, long value, JsonSerializerOptions options) => writer.WriteNumberValue(value);
    }

    /// <summary>Reads times as ISO 8601 with an offset (2024-04-08T09:00:00+08:00), in a plausible year.</summary>
    private sealed class PlausibleTimeConverter : JsonConverter<DateTimeOffset>
    {
        public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { } text || !TryReadTime(text, out var time))
            {
                throw new JsonException(
                    $"expected a time in ISO 8601 with its offset (e.g. 2024-04-08T09:00:00+08:00), from {InputLimits.EarliestYear} to {InputLimits.LatestYear}");
            }

            return time;
        }

        public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) => writer.WriteStringValue(value);
    }

    /// <summary>Reads dates as ISO 8601 calendar dates (2024-04-08), in a plausible year.</summary>
    private sealed class PlausibleDateConverter : JsonConverter<DateOnly>
    {
        public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String || reader.GetString() is not { } text
                || !DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                || date.Year is < InputLimits.EarliestYear or > InputLimits.LatestYear)
            {
                throw new JsonException($"expected a date in ISO 8601 (e.g. 2024-04-08), from {InputLimits.EarliestYear} to {InputLimits.LatestYear}");
            }

            return date;
        }

        public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// A time as CaseLedger takes it from outside (bodies, query strings): ISO 8601 with a date, a time
    /// of day and an offset (<c>Z</c> or <c>+08:00</c>), seconds and fractions optional, in a year from
    /// <see cref="InputLimits.EarliestYear"/> to <see cref="InputLimits.LatestYear"/>. A time without
    /// an offset is refused rather than taken to be in some zone.
    /// </summary>
    public static bool TryReadTime(string text, out DateTimeOffset time)
    {
        ArgumentNullException.ThrowIfNull(text);
        return DateTimeOffset.TryParseExact(text, TimeFormats, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out time)
               && time.Year is >= InputLimits.EarliestYear and <= InputLimits.LatestYear
               && time.UtcDateTime.Year is >= InputLimits.EarliestYear and <= InputLimits.LatestYear;
    }

    // Every format names its offset; AssumeUniversal only reads the literal Z as UTC (not as the machine's zone).
    private static readonly string[] TimeFormats =
    [
        "yyyy-MM-dd'T'HH:mmzzz", "yyyy-MM-dd'T'HH:mm:sszzz", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm'Z'", "yyyy-MM-dd'T'HH:mm:ss'Z'", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
    ];
}
