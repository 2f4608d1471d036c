using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace CaseLedger.IntegrationTests.Api;

/// <summary>
/// The schemas of an API description, for checking JSON against them: the parts of JSON Schema the
/// description uses (types with null, required and declared members, items, enums, multipleOf,
/// oneOf, $ref), strictly: a member the schema does not declare is a mismatch too. And the least
/// JSON a schema accepts, to feed a reader.
/// </summary>
public sealed class ApiSchemas(JsonElement document)
{
    public JsonElement Document { get; } = document;

    public JsonElement Component(string name) => Document.GetProperty("components").GetProperty("schemas").GetProperty(name);

    /// <summary>The schema of an operation's response with this status, as its JSON content gives it.</summary>
    public JsonElement Response(string path, string method, string status) =>
        Document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses").GetProperty(status)
            .GetProperty("content").GetProperty("application/json").GetProperty("schema");

    public JsonElement Resolve(JsonElement schema) =>
        schema.TryGetProperty("$ref", out var reference)
            ? Resolve(Component(reference.GetString()!.Split('/')[^1]))
            : schema;

    /// <summary>Where <paramref name="value"/> does not match <paramref name="schema"/>, one line per mismatch.</summary>
    public IReadOnlyList<string> Mismatches(JsonElement schema, JsonElement value, string at = "$")
    {
        var found = new List<string>();
        Check(schema, value, at, found);
        return found;
    }

    private void Check(JsonElement schema, JsonElement value, string at, List<string> found)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            var matching = oneOf.EnumerateArray().Count(option => Mismatches(option, value, at).Count == 0);
            if (matching != 1)
            {
                found.Add($"{at}: {value.ValueKind} matches {matching} of the oneOf options");
            }

            return;
        }

        if (schema.TryGetProperty("type", out var declared))
        {
            var types = declared.ValueKind == JsonValueKind.Array ? declared.EnumerateArray().Select(t => t.GetString()!).ToList() : [declared.GetString()!];
            if (!types.Any(t => Is(t, value)))
            {
                found.Add($"{at}: {Describe(value)} is not {string.Join(" or ", types)}");
                return;
            }
        }

        if (schema.TryGetProperty("enum", out var names) && value.ValueKind != JsonValueKind.Null
            && !names.EnumerateArray().Any(n => n.ValueKind == value.ValueKind && n.ToString() == value.ToString()))
        {
            found.Add($"{at}: {value} is not one of {names}");
        }

        if (schema.TryGetProperty("multipleOf", out var step) && value.ValueKind == JsonValueKind.Number
            && value.GetDecimal() % step.GetDecimal() != 0)
        {
            found.Add($"{at}: {value} is not a multiple of {step}");
        }

        if (schema.TryGetProperty("pattern", out var pattern) && value.ValueKind == JsonValueKind.String
            && !System.Text.RegularExpressions.Regex.IsMatch(value.GetString()!, pattern.GetString()!))
        {
            found.Add($"{at}: '{value}' does not match {pattern}");
        }

        if (value.ValueKind == JsonValueKind.Array && schema.TryGetProperty("items", out var items))
        {
            var i = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(items, item, $"{at}[{i++}]", found);
            }
        }

        if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out var properties))
        {
            foreach (var name in schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!) : [])
            {
                if (!value.TryGetProperty(name, out _))
                {
                    found.Add($"{at}.{name}: required, but missing");
                }
            }

            foreach (var member in value.EnumerateObject())
            {
                if (properties.TryGetProperty(member.Name, out var memberSchema))
                {
                    Check(memberSchema, member.Value, $"{at}.{member.Name}", found);
                }
                else
                {
                    found.Add($"{at}.{member.Name}: not in the description");
                }
            }
        }
        else if (value.ValueKind == JsonValueKind.Object && schema.TryGetProperty("additionalProperties", out var each))
        {
            foreach (var member in value.EnumerateObject())
            {
                Check(each, member.Value, $"{at}.{member.Name}", found);
            }
        }
    }

    private static bool Is(string type, JsonElement value) => type switch
    {
        "null" => value.ValueKind == JsonValueKind.Null,
        "string" => value.ValueKind == JsonValueKind.String,
        "boolean" => value.ValueKind is JsonValueKind.True or JsonValueKind.False,
        "number" => value.ValueKind == JsonValueKind.Number,
        "integer" => value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out _),
        "array" => value.ValueKind == JsonValueKind.Array,
        "object" => value.ValueKind == JsonValueKind.Object,
        _ => false,
    };

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => $"the text '{value}'",
        JsonValueKind.Number => $"the number {value}",
        _ => value.ValueKind.ToString().ToLowerInvariant(),
    };

    /// <summary>
    /// The least JSON a schema accepts: an object with its required members only, each the least
    /// value of its own schema (an empty list, the first name of an enum, one of a number's steps).
    /// </summary>
    public JsonNode? Least(JsonElement schema)
    {
        schema = Resolve(schema);
        if (schema.TryGetProperty("oneOf", out var oneOf))
        {
            return Least(oneOf.EnumerateArray().First(o => !(o.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == "null")));
        }

        if (schema.TryGetProperty("enum", out var names))
        {
            return JsonValue.Create(names.EnumerateArray().First(n => n.ValueKind == JsonValueKind.String).GetString());
        }

        var type = schema.TryGetProperty("type", out var declared)
            ? declared.ValueKind == JsonValueKind.Array ? declared.EnumerateArray().Select(t => t.GetString()).First(t => t != "null") : declared.GetString()
            : null;
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (type)
        {
            case "object":
                var made = new JsonObject();
                var properties = schema.GetProperty("properties");
                foreach (var name in schema.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!) : [])
                {
                    made[name] = Least(properties.GetProperty(name));
                }

                return made;
            case "array":
                return new JsonArray();
            case "string":
                return JsonValue.Create(format switch
                {
                    "date-time" => "2024-04-08T09:00:00+08:00",
                    "date" => "2024-04-08",
                    "uuid" => Guid.Empty.ToString(),
                    _ => "x",
                });
            case "integer":
                return JsonValue.Create(1);
            case "number":
                return JsonValue.Create(schema.TryGetProperty("multipleOf", out var step) ? step.GetDecimal() : 1m);
            case "boolean":
                return JsonValue.Create(true);
            default:
                throw new InvalidOperationException($"No least value for the schema {schema}");
        }
    }

    public static string Status(int status) => status.ToString(CultureInfo.InvariantCulture);
}
