using System.Text.Json.Nodes;
using System.Text.Json.Serialization.Metadata;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.Http.Identity;
using CaseLedger.Rules;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OpenApi;

namespace CaseLedger.Host;

/// <summary>
/// The API description at <c>/openapi/v1.json</c>, made exact: every operation with its id, summary,
/// tag, the roles it is for (<c>x-caseledger-roles</c>) and the problem codes it can answer with per
/// status (<c>x-caseledger-problems</c>, derived by <see cref="ApiProblems"/>); and every schema as
/// CaseLedger's JSON conventions read and write it (<see cref="CaseJson"/>): amounts as decimal numbers
/// in hundredths, enums by name, and members required exactly when they must be there.
/// </summary>
internal static class ApiDescription
{
    /// <summary>The tag of operations that name none: the host's own (its health).</summary>
    private const string HostTag = "host";

    /// <summary>What each tag that is not a case kind's groups; a kind's tag says what the kind is.</summary>
    private static readonly Dictionary<string, string> Tags = new(StringComparer.Ordinal)
    {
        ["ledger"] = "What this ledger serves: its case kinds, the districts set up here, and (on the embedded default) a development sign-in",
        ["rules"] = "For rule authors: the rule book, scenario files run in memory, and what-if replays of recorded cases",
        ["audit"] = "For auditors: the audit trail, case histories, a case at any point and what changed, hash-chain verification, seals and offline bundles",
        ["service"] = "How a district serves across every kind: the on-time rate by month, kind and level, complaints, a case's deadlines read now, hand-overs between levels",
        [HostTag] = "The host itself: whether it is up (live) and can serve (ready: PostgreSQL answers)",
    };

    public static IServiceCollection AddCaseLedgerApiDescription(this IServiceCollection services) =>
        services.AddOpenApi(options => options
            .AddDocumentTransformer(DescribeDocumentAsync)
            .AddOperationTransformer(DescribeOperationAsync)
            .AddSchemaTransformer(DescribeSchemaAsync));

    private static Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        var keys = context.ApplicationServices.GetRequiredService<TokenKeys>();
        var kinds = context.ApplicationServices.GetRequiredService<CaseKinds>();
        document.Info.Title = "CaseLedger";
        document.Info.Description = "Event-sourced service cases of public services, by district: their commands and read models, " +
            "their audit trail and the rules they are decided under. Every refusal is an RFC 7807 problem with a stable `code`; " +
            "`x-caseledger-problems` lists, per status, the codes an operation can answer with, and `x-caseledger-roles` the roles it is for.";

        // The servers are the address the document was asked at; a trailing slash would double the one every path starts with.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes["Bearer"] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            BearerFormat = "JWT",
            Description = keys.IsEmbedded
                ? "A token from this host's own key: `dotnet run --project src/CaseLedger.Host -- token --role clerk --district yuelu --name you`."
                : $"A token from the identity provider {keys.Issuer}, for the audience {keys.Audience}.",
        };
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        document.Components.Schemas[ProblemSchema] = Problem(document);
        AllowNullReferences(document);
        DescribeCaseStates(document, kinds);

        var described = kinds.All.ToDictionary(k => k.Name, k => k.Title, StringComparer.Ordinal);
        // The framework's default tag (the application's name) is listed though no operation keeps it.
        var used = (document.Paths ?? new OpenApiPaths()).Values
            .SelectMany(p => p.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(o => o.Tags ?? new HashSet<OpenApiTagReference>()).Select(t => t.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var unused in document.Tags?.Where(t => !used.Contains(t.Name ?? "")).ToList() ?? [])
        {
            document.Tags!.Remove(unused);
        }

        foreach (var tag in document.Tags ?? new HashSet<OpenApiTag>())
        {
            tag.Description = tag.Name is { } name && (described.TryGetValue(name, out var title) || Tags.TryGetValue(name, out title))
                ? title
                : throw new InvalidOperationException($"The API description's tag '{tag.Name}' is not described: add it to ApiDescription.Tags.");
        }

        return Task.CompletedTask;
    }

    private const string ProblemSchema = "Problem";

    /// <summary>What every refusal says: an RFC 7807 problem with CaseLedger's stable code, and what some codes add.</summary>
    private static OpenApiSchema Problem(OpenApiDocument document) => new()
    {
        Type = JsonSchemaType.Object,
        Description = "An RFC 7807 problem. `code` is stable: the operation's `x-caseledger-problems` lists the codes it can answer with.",
        Required = new HashSet<string>(["type", "title", "status", "detail", "code"], StringComparer.Ordinal),
        Properties = new Dictionary<string, IOpenApiSchema>(StringComparer.Ordinal)
        {
            ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "uri", Description = "The code's page, e.g. https://caseledger.dev/problems/case.not_found" },
            ["title"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["status"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32" },
            ["detail"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "What is wrong, in a sentence a clerk can read." },
            ["code"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "A stable, machine-readable code such as `renovation_vote.not_owner`." },
            ["traceId"] = new OpenApiSchema { Type = JsonSchemaType.String },
            ["clauses"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = new OpenApiSchemaReference(nameof(CriterionResult), document),
                Description = "A refused command: the rule's clauses that were evaluated.",
            },
            ["path"] = new OpenApiSchema { Type = JsonSchemaType.String, Description = "`request.body_invalid`: where in the body." },
            ["line"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int32", Description = "`scenario.format`: the line of the scenario file." },
            // What a seal request that made no published seal says (POST /districts/{d}/seals; docs/tamper-evidence.md).
            ["latestSeal"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int64", Description = "`audit.nothing_to_seal`: the district's latest seal, null before the first.",
            },
            ["recorded"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Integer | JsonSchemaType.Null, Format = "int64",
                Description = "`audit.seal_not_published`, `audit.seals_diverged`: the seal this request made and recorded, null when it made none.",
            },
            ["unpublished"] = SealNumbers("`audit.seal_not_published`, `audit.seals_diverged`: every seal recorded but not yet published, oldest first; " +
                                          "the next seal publishes them first, in order."),
            ["published"] = SealNumbers("A seal request: the seals it did publish, oldest first (seals that had waited to be published)."),
            ["withheld"] = new OpenApiSchema
            {
                Type = JsonSchemaType.Array,
                Items = new OpenApiSchemaReference(nameof(Audit.WithheldCase), document),
                Description = "A seal request: the cases left out of the seal because their chain no longer extends what was sealed, each with its reason.",
            },
        },
    };

    private static OpenApiSchema SealNumbers(string description) => new()
    {
        Type = JsonSchemaType.Array,
        Items = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64" },
        Description = description,
    };

    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;

        // Minimal API and Wolverine endpoints alike: the endpoint's name is its operation id, and its
        // summary and description are its own (Wolverine would describe an endpoint by its operation id).
        if (metadata.OfType<IEndpointNameMetadata>().LastOrDefault() is { } name)
        {
            operation.OperationId = name.EndpointName;
        }

        operation.Summary = metadata.OfType<EndpointSummaryAttribute>().LastOrDefault()?.Summary ?? operation.Summary;
        operation.Description = metadata.OfType<EndpointDescriptionAttribute>().LastOrDefault()?.Description;
        if (!metadata.OfType<ITagsMetadata>().Any())
        {
            operation.Tags = new HashSet<OpenApiTagReference> { new(HostTag, context.Document) };
            context.Document!.Tags ??= new HashSet<OpenApiTag>();
            context.Document.Tags.Add(new OpenApiTag { Name = HostTag });
        }

        if (metadata.OfType<IAllowAnonymous>().Any())
        {
            // Open to anyone: no security requirement at all, said explicitly.
            operation.Security = [];
        }
        else
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("Bearer", context.Document)] = [] }];
            var roles = metadata.OfType<IAuthorizeData>().SelectMany(a => (a.Roles ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries))
                .Distinct(StringComparer.Ordinal).ToList();
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-caseledger-roles"] = new JsonNodeExtension(new JsonArray(
                (roles.Count == 0 ? Roles.Names : roles).Select(r => (JsonNode)r!).ToArray()));
        }

        await DescribeBodyAsync(operation, context, metadata, ct);
        DescribeQuery(operation, metadata);
        if (metadata.OfType<CommandEndpointAttribute>().LastOrDefault() is { } command)
        {
            DescribeCommandHeaders(operation, command.OpensCase);
        }

        DescribeProblems(operation, context, ApiProblems.Of([.. metadata], context.Description.RelativePath ?? ""));
    }

    /// <summary>
    /// The JSON body of an endpoint that reads its body itself, strictly (a Wolverine endpoint that
    /// declares it with <see cref="AcceptsJsonAttribute"/>: a hand-over, a complaint, a kept seal file):
    /// the framework only describes bodies it binds, so such a body is described here, as a named schema
    /// like every other request body, and required.
    /// </summary>
    private static async Task DescribeBodyAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, IList<object> metadata,
        CancellationToken ct)
    {
        if (operation.RequestBody is not null || metadata.OfType<AcceptsJsonAttribute>().LastOrDefault() is not { RequestType: { } type })
        {
            return;
        }

        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(type.Name))
        {
            document.AddComponent(type.Name, await context.GetOrCreateSchemaAsync(type, null, ct));
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
            {
                ["application/json"] = new() { Schema = new OpenApiSchemaReference(type.Name, document) },
            },
        };
    }

    /// <summary>The headers every command takes, and those its answer carries.</summary>
    private static void DescribeCommandHeaders(OpenApiOperation operation, bool opensCase)
    {
        operation.Parameters ??= [];
        foreach (var (name, description) in new[]
                 {
                     (CaseHttp.OnBehalfOfHeader, "The person served: required of proxy staff; from anyone, it must be the person the command is for (403 auth.on_behalf_of_mismatch)."),
                     ("If-Match", "Write only if the case is still at this version: one entity tag as the ETag of its last read or write gave it, e.g. \"7\" (412 case.version_mismatch otherwise)."),
                     (IdempotentRequests.Header, "Makes the request safe to retry: the same key returns the first answer and appends nothing (1 to 200 printable characters; a UUID is a good choice)."),
                     (CaseHttp.CorrelationHeader, "Ties several requests together; the request's own id when left out."),
                 })
        {
            operation.Parameters.Add(new OpenApiParameter
            {
                Name = name,
                In = ParameterLocation.Header,
                Description = description,
                Schema = new OpenApiSchema { Type = JsonSchemaType.String },
            });
        }

        var status = opensCase ? "201" : "200";
        if (operation.Responses?.GetValueOrDefault(status) is not OpenApiResponse answer)
        {
            return;
        }

        answer.Headers ??= new Dictionary<string, IOpenApiHeader>(StringComparer.Ordinal);
        answer.Headers["ETag"] = Header("The case's version after the write, as If-Match takes it, e.g. \"8\".");
        answer.Headers[Core.Vouching.WriteReceipt.Header] = Header("The signed receipt of the write (docs/tamper-evidence.md), as the body's receipt holds it.");
        answer.Headers[IdempotentRequests.ReplayedHeader] = Header("\"true\" when this is the first answer to the same Idempotency-Key, given again.");
        if (opensCase)
        {
            answer.Headers["Location"] = Header("The address of the case opened.");
        }

        static OpenApiHeader Header(string description) => new() { Description = description, Schema = new OpenApiSchema { Type = JsonSchemaType.String } };
    }

    /// <summary>
    /// The query parameters of an endpoint that reads its query string itself (<see cref="QueryParameterAttribute"/>),
    /// one value of each at most <see cref="InputLimits.QueryValue"/> characters long.
    /// </summary>
    private static void DescribeQuery(OpenApiOperation operation, IList<object> metadata)
    {
        foreach (var declared in metadata.OfType<QueryParameterAttribute>())
        {
            var value = new OpenApiSchema
            {
                Type = declared.Type == "integer" ? JsonSchemaType.Integer : JsonSchemaType.String,
                Format = declared.Format,
                Enum = declared.Values?.Select(v => (JsonNode)v!).ToList(),
                Default = declared.Default is null ? null
                    : declared.Type == "integer" ? JsonValue.Create(int.Parse(declared.Default, System.Globalization.CultureInfo.InvariantCulture))
                    : JsonValue.Create(declared.Default),
            };
            if (declared.Type == "integer")
            {
                value.Minimum = declared.Minimum == int.MinValue ? null : declared.Minimum.ToString(System.Globalization.CultureInfo.InvariantCulture);
                value.Maximum = declared.Maximum == int.MaxValue ? null : declared.Maximum.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (declared.Values is null)
            {
                value.MaxLength = InputLimits.QueryValue;
            }

            var parameter = new OpenApiParameter
            {
                Name = declared.Name,
                In = ParameterLocation.Query,
                Description = declared.Description,
                Required = declared.Required,
                Schema = value,
            };
            if (declared.Repeated)
            {
                // Written once per value (?district=a&district=b): a query's form style, exploded.
                parameter.Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = value, MinItems = declared.Required ? 1 : null };
                parameter.Style = ParameterStyle.Form;
                parameter.Explode = true;
            }

            operation.Parameters ??= [];
            operation.Parameters.Add(parameter);
        }
    }

    /// <summary>
    /// The operation's 4xx responses are exactly the statuses of the problems it can answer with, each
    /// saying its codes, and <c>x-caseledger-problems</c> maps each status to them; whatever the
    /// framework guessed (a 404 on every Wolverine endpoint) gives way to that.
    /// </summary>
    private static void DescribeProblems(OpenApiOperation operation, OpenApiOperationTransformerContext context, IReadOnlyList<ApiProblem> problems)
    {
        operation.Responses ??= new OpenApiResponses();
        foreach (var status in operation.Responses.Keys.Where(k => k.StartsWith('4')).ToList())
        {
            operation.Responses.Remove(status);
        }

        var byStatus = new JsonObject();
        foreach (var group in problems.GroupBy(p => p.Status).OrderBy(g => g.Key))
        {
            var codes = group.Select(p => p.Code).ToList();
            byStatus[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new JsonArray(codes.Select(c => (JsonNode)c!).ToArray());
            operation.Responses[group.Key.ToString(System.Globalization.CultureInfo.InvariantCulture)] = new OpenApiResponse
            {
                Description = $"{ReasonPhrases.GetReasonPhrase(group.Key)}: {string.Join(", ", codes.Select(c => $"`{c}`"))}",
                Content = new Dictionary<string, OpenApiMediaType>(StringComparer.Ordinal)
                {
                    ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference(ProblemSchema, context.Document) },
                },
            };
        }

        if (byStatus.Count > 0)
        {
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions["x-caseledger-problems"] = new JsonNodeExtension(byStatus);
        }
    }

    private static Task DescribeSchemaAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var info = context.JsonTypeInfo;
        var type = Nullable.GetUnderlyingType(info.Type) ?? info.Type;
        // A type CaseJson writes with a converter of its own (amounts, times) gets no type from the generator:
        // it is given here, with null where the member's type admits none.
        var mayBeNull = Nullable.GetUnderlyingType(info.Type) is not null || (schema.Type is { } given && given.HasFlag(JsonSchemaType.Null));
        JsonSchemaType Typed(JsonSchemaType kind) => mayBeNull ? kind | JsonSchemaType.Null : kind;
        if (type == typeof(decimal))
        {
            // Money and areas: exact decimals written as JSON numbers, in hundredths (yuan with fen, m² with two
            // decimals); the few fractions (a rate, a share) are marked [Fraction] and may have more places.
            schema.Type = Typed(JsonSchemaType.Number);
            schema.Format = "decimal";
            schema.Pattern = null;
            schema.MultipleOf = context.JsonPropertyInfo?.AttributeProvider?.IsDefined(typeof(FractionAttribute), inherit: false) == true ? null : 0.01m;
        }
        else if (type == typeof(DateTimeOffset))
        {
            // Times, written in the district's civil time.
            schema.Type = Typed(JsonSchemaType.String);
            schema.Format = "date-time";
        }
        else if (type.IsEnum)
        {
            // Enums are read and written by name only; where one may be null, the member says so.
            schema.Type = JsonSchemaType.String;
            schema.Enum = schema.Enum?.Where(name => name is not null).ToList();
        }
        else if (type == typeof(System.Text.Json.JsonElement))
        {
            schema.Description ??= "Any JSON value.";
        }
        else if (type == typeof(Threshold))
        {
            // Written the way the law reads (ThresholdJsonConverter), not as its members.
            schema.Type = JsonSchemaType.String;
            schema.Pattern = Threshold.TextPattern;
        }
        else if (info.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
        {
            // An object's own schema is never null; where one may be null, the member says so.
            schema.Type = JsonSchemaType.Object;
            var isRead = RequestTypes.Of(context.ApplicationServices).Contains(type);
            DescribeMembers(schema, info, isRead);
            if (isRead)
            {
                // What the API reads, it reads strictly: a member it does not know is refused.
                schema.AdditionalPropertiesAllowed = false;
            }
        }

        return Task.CompletedTask;
    }

    /// <summary>
    /// Which members are required, and which may be null. What the API reads (a request body and what
    /// it holds) requires what <see cref="CaseJson.Strict"/> requires; what it only writes has every
    /// member that is never null, always. A member that may be null is never required.
    /// </summary>
    private static void DescribeMembers(OpenApiSchema schema, JsonTypeInfo info, bool isRead)
    {
        var strict = isRead ? CaseJson.Strict.GetTypeInfo(info.Type) : null;
        var required = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in info.Properties)
        {
            var nullable = MayBeNull(property);
            var mustBeThere = strict is null
                ? !nullable && property.Get is not null
                : strict.Properties.FirstOrDefault(p => p.Name == property.Name) is { } read
                  && (read.IsRequired || read.AssociatedParameter is { HasDefaultValue: false, IsMemberInitializer: false });
            if (mustBeThere && !nullable)
            {
                required.Add(property.Name);
            }

            if (!schema.Properties!.TryGetValue(property.Name, out var member) || member is not OpenApiSchema inline)
            {
                continue;
            }

            if (Nullable.GetUnderlyingType(property.PropertyType) == typeof(System.Text.Json.JsonElement))
            {
                // Any JSON value, JSON null included; left out where there is none.
                schema.Properties[property.Name] = new OpenApiSchema { Description = "Any JSON value; left out where there is none." };
            }
            else if (inline.OneOf is not null)
            {
                // Already "null, or the named schema".
            }
            else if (inline.Type is { } objectType && (objectType.HasFlag(JsonSchemaType.Object) || inline.Enum is { Count: > 0 }))
            {
                // An object or an enum becomes a named schema of its own, never null itself: a member that may be
                // null is "null, or that schema" once the named schemas are made (a computed member's
                // nullability is otherwise lost).
                if (nullable)
                {
                    NullableReferences[(info.Type.Name, property.Name)] = true;
                }
            }
            else if (inline.Type is { } types)
            {
                inline.Type = nullable ? types | JsonSchemaType.Null : types & ~JsonSchemaType.Null;
            }
        }

        schema.Required = required;
    }

    /// <summary>
    /// A case at a point of its history, and the case a write left, hold its kind's main read model (or
    /// none): the member is typed <c>object</c> in code, so the kinds registered here say which.
    /// </summary>
    private static void DescribeCaseStates(OpenApiDocument document, CaseKinds kinds)
    {
        if (document.Components?.Schemas is not { } schemas)
        {
            return;
        }

        var views = kinds.All.Select(k => k.MainView.Type.Name).Distinct(StringComparer.Ordinal).ToList();
        var missing = views.Where(v => !schemas.ContainsKey(v)).ToList();
        if (missing.Count > 0)
        {
            throw new InvalidOperationException($"The API description has no schema for the read models {string.Join(", ", missing)}.");
        }

        foreach (var (schemaName, member, description) in new[]
                 {
                     (nameof(Audit.CaseAt), "state", "The case's main read model as it was at that point (its kind's), or null before its first event."),
                     (nameof(CommandOutcome), "case", "The case as the write left it: its kind's main read model; null on a refusal or an idempotent replay."),
                 })
        {
            if (schemas.TryGetValue(schemaName, out var holder) && holder is OpenApiSchema { Properties: { } properties })
            {
                properties[member] = new OpenApiSchema
                {
                    Description = description,
                    OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, .. views.Select(v => (IOpenApiSchema)new OpenApiSchemaReference(v, document))],
                };
            }
        }
    }

    /// <summary>Members (by their type's schema name) that may be null and refer to a named schema.</summary>
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Schema, string Member), bool> NullableReferences = new();

    /// <summary>Makes each member of <see cref="NullableReferences"/> "null, or the named schema".</summary>
    private static void AllowNullReferences(OpenApiDocument document)
    {
        foreach (var ((name, member), _) in NullableReferences)
        {
            if (document.Components?.Schemas is { } schemas && schemas.TryGetValue(name, out var named)
                && named is OpenApiSchema { Properties: { } properties }
                && properties.TryGetValue(member, out var found) && found is OpenApiSchemaReference reference)
            {
                properties[member] = new OpenApiSchema { OneOf = [new OpenApiSchema { Type = JsonSchemaType.Null }, reference] };
            }
        }
    }

    /// <summary>Whether a member may hold null: a nullable value type, or a reference its annotations let be null.</summary>
    private static bool MayBeNull(JsonPropertyInfo property)
    {
        if (property.PropertyType.IsValueType)
        {
            return Nullable.GetUnderlyingType(property.PropertyType) is not null;
        }

        return property.Get is not null ? property.IsGetNullable : property.IsSetNullable;
    }

    /// <summary>The types the API reads: request bodies, and every type they hold (per host: each serves its own kinds).</summary>
    private static class RequestTypes
    {
        private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<IServiceProvider, HashSet<Type>> Found = [];

        public static HashSet<Type> Of(IServiceProvider services) => Found.GetValue(services, Collect);

        private static HashSet<Type> Collect(IServiceProvider services)
        {
            var found = new HashSet<Type>();
            var bodies = services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints)
                .SelectMany(e => e.Metadata.OfType<IAcceptsMetadata>()).Select(a => a.RequestType).OfType<Type>();
            foreach (var body in bodies)
            {
                Add(body);
            }

            return found;

            void Add(Type type)
            {
                type = Nullable.GetUnderlyingType(type) ?? type;
                if (!found.Add(type))
                {
                    return;
                }

                var info = CaseJson.Strict.GetTypeInfo(type);
                if (info.ElementType is { } element)
                {
                    Add(element);
                }

                if (info.KeyType is { } key)
                {
                    Add(key);
                }

                foreach (var property in info.Properties)
                {
                    Add(property.PropertyType);
                }
            }
        }
    }
}
