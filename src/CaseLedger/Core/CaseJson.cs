using System.Text.Json;
using System.Text.Json.Serialization;

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
    /// by name only (one name, never a number), numbers must be JSON numbers, and text may not hold
    /// control characters.
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
        return options;
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
        options.Converters.Add(new PlainTextConverter());
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

    /// <summary>Reads strings, refusing control characters (a NUL cannot even be stored by PostgreSQL).</summary>
    private sealed class PlainTextConverter : JsonConverter<string>
    {
        public override bool HandleNull => false;

        public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException($"expected text, found {Describe(reader.TokenType)}");
            }

            var text = reader.GetString()!;
            return IsPlainText(text) ? text : throw new JsonException("text may not contain control characters");
        }

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
}
