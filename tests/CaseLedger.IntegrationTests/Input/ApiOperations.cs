using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;

namespace CaseLedger.IntegrationTests.Input;

/// <summary>One operation of the API description: its method, path template, the roles it is for (none: open to anyone) and its body's schema.</summary>
public sealed record ApiOperation(string Method, string Path, IReadOnlyList<Role> Roles, JsonElement? BodySchema)
{
    public bool IsOpen => Roles.Count == 0;

    public bool Writes => Method is "POST" or "PUT";

    public override string ToString() => $"{Method} {Path}";
}

/// <summary>
/// The operations of the host's API description (<c>/openapi/v1.json</c>) and what their request
/// schemas say about each member: its JSON types, whether null is allowed, its limit, its enum names,
/// its format. Whatever the description gains (a new operation, a new member) is read from it here.
/// </summary>
public sealed class ApiDescription(JsonElement document)
{
    public IReadOnlyList<ApiOperation> Operations { get; } = Read(document);

    private static List<ApiOperation> Read(JsonElement document)
    {
        var operations = new List<ApiOperation>();
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var operation in path.Value.EnumerateObject())
            {
                var roles = operation.Value.TryGetProperty("x-caseledger-roles", out var named)
                    ? named.EnumerateArray().Select(r => Core.Roles.TryParse(r.GetString(), out var role) ? role : throw new InvalidOperationException($"Unknown role {r}")).ToList()
                    : [];
                JsonElement? body = operation.Value.TryGetProperty("requestBody", out var requestBody)
                                    && requestBody.GetProperty("content").TryGetProperty("application/json", out var json)
                                    && json.TryGetProperty("schema", out var schema)
                    ? schema
                    : null;
                operations.Add(new ApiOperation(operation.Name.ToUpperInvariant(), path.Name, roles, body));
            }
        }

        return operations;
    }

    /// <summary>The schema itself, its <c>$ref</c> followed; for a nullable one-of, the alternative that is not null.</summary>
    public JsonElement Resolve(JsonElement schema)
    {
        for (var i = 0; i < 10; i++)
        {
            if (schema.TryGetProperty("$ref", out var reference))
            {
                var name = reference.GetString()!.Split('/')[^1];
                schema = document.GetProperty("components").GetProperty("schemas").GetProperty(name);
                continue;
            }

            var alternatives = schema.TryGetProperty("oneOf", out var oneOf) ? oneOf : schema.TryGetProperty("anyOf", out var anyOf) ? anyOf : default;
            if (alternatives.ValueKind == JsonValueKind.Array && alternatives.EnumerateArray().FirstOrDefault(a => !IsNullType(a)) is { ValueKind: JsonValueKind.Object } other)
            {
                schema = other;
                continue;
            }

            return schema;
        }

        return schema;
    }

    /// <summary>Whether the member may be null: a type list naming null, or a one-of with a null alternative.</summary>
    public static bool AllowsNull(JsonElement schema)
    {
        if (schema.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.Array && type.EnumerateArray().Any(t => t.GetString() == "null"))
        {
            return true;
        }

        if (schema.TryGetProperty("nullable", out var nullable) && nullable.ValueKind == JsonValueKind.True)
        {
            return true;
        }

        return (schema.TryGetProperty("oneOf", out var oneOf) && oneOf.EnumerateArray().Any(IsNullType))
               || (schema.TryGetProperty("anyOf", out var anyOf) && anyOf.EnumerateArray().Any(IsNullType));
    }

    /// <summary>The JSON kinds the (resolved) schema allows, but null: object, array, string, number, boolean.</summary>
    public IReadOnlySet<string> KindsOf(JsonElement schema)
    {
        var resolved = Resolve(schema);
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        if (resolved.TryGetProperty("type", out var type))
        {
            foreach (var name in type.ValueKind == JsonValueKind.Array ? type.EnumerateArray().Select(t => t.GetString()) : [type.GetString()])
            {
                kinds.Add(name == "integer" ? "number" : name!);
            }
        }
        else if (resolved.TryGetProperty("enum", out _))
        {
            kinds.Add("string");
        }
        else if (resolved.TryGetProperty("properties", out _))
        {
            kinds.Add("object");
        }

        kinds.Remove("null");
        return kinds;
    }

    public static IReadOnlyList<string> EnumNames(JsonElement resolved) =>
        resolved.TryGetProperty("enum", out var names) ? names.EnumerateArray().Where(n => n.ValueKind == JsonValueKind.String).Select(n => n.GetString()!).ToList() : [];

    public static string? Format(JsonElement resolved) => resolved.TryGetProperty("format", out var format) ? format.GetString() : null;

    public static int? MaxLength(JsonElement resolved) =>
        resolved.TryGetProperty("maxLength", out var max) ? max.GetInt32() : resolved.TryGetProperty("maxItems", out var items) ? items.GetInt32() : null;

    public static IReadOnlyList<string> Required(JsonElement resolved) =>
        resolved.TryGetProperty("required", out var required) ? required.EnumerateArray().Select(r => r.GetString()!).ToList() : [];

    public static IEnumerable<(string Name, JsonElement Schema)> Properties(JsonElement resolved) =>
        resolved.TryGetProperty("properties", out var properties) ? properties.EnumerateObject().Select(p => (p.Name, p.Value)) : [];

    /// <summary>
    /// A body of the schema's shape, with a plausible value in every member (optional ones included):
    /// the start every malformed body is made from. It is never sent as it is.
    /// </summary>
    public JsonNode? Sample(JsonElement schema, int depth = 0)
    {
        var resolved = Resolve(schema);
        var kinds = KindsOf(resolved);
        if (EnumNames(resolved) is [var first, ..])
        {
            return JsonValue.Create(first);
        }

        if (depth > 6)
        {
            return null;
        }

        if (kinds.Contains("object"))
        {
            var node = new JsonObject();
            foreach (var (name, member) in Properties(resolved))
            {
                node[name] = Sample(member, depth + 1);
            }

            return node;
        }

        if (kinds.Contains("array"))
        {
            return resolved.TryGetProperty("items", out var items) ? new JsonArray(Sample(items, depth + 1)) : new JsonArray();
        }

        if (kinds.Contains("number"))
        {
            return JsonValue.Create(Format(resolved) is "int32" or "int64" ? 2004 : 12.5m);
        }

        if (kinds.Contains("boolean"))
        {
            return JsonValue.Create(true);
        }

        return Format(resolved) switch
        {
            "date-time" => JsonValue.Create("2025-03-04T09:00:00+08:00"),
            "date" => JsonValue.Create("2025-03-04"),
            "uuid" => JsonValue.Create("0193a1c0-0001-7000-8000-00000000f00d"),
            _ => JsonValue.Create("x1"),
        };
    }

    private static bool IsNullType(JsonElement alternative) =>
        alternative.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String && type.GetString() == "null";
}
