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
        options.Converters.Add(new JsonStringEnumConverter(allowIntegerValues: false));
        return options;
    }

    private static JsonSerializerOptions ConfigureStrict(JsonSerializerOptions options)
    {
        Configure(options);
        options.NumberHandling = JsonNumberHandling.Strict;
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        options.RespectNullableAnnotations = true;
        options.RespectRequiredConstructorParameters = true;
        options.AllowDuplicateProperties = false;
        options.MaxDepth = 16;
        options.Converters.Add(new PlainTextConverter());
        return options;
    }

    private static JsonSerializerOptions Freeze(JsonSerializerOptions options)
    {
        options.TypeInfoResolver ??= new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver();
        options.MakeReadOnly();
        return options;
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
