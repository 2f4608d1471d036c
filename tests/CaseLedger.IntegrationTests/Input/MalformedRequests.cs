using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Http;
using CaseLedger.Http.Identity;

namespace CaseLedger.IntegrationTests.Input;

/// <summary>One request of the fuzz run, and what was done to it.</summary>
public sealed record MalformedRequest(ApiOperation Operation, string Mutation, HttpMethod Method, string Url, byte[]? Body, string? ContentType,
    IReadOnlyList<(string Name, string Value)> Headers, string? Authorization)
{
    public HttpRequestMessage ToMessage()
    {
        var message = new HttpRequestMessage(Method, new Uri(Url, UriKind.Relative));
        if (Body is not null)
        {
            // A large body waits for the server's go-ahead (100-continue), as a well-behaved client's
            // would: a host that refuses it by its length answers at once, and the body is never sent.
            message.Headers.ExpectContinue = Body.Length > 16 * 1024;
            message.Content = new ByteArrayContent(Body);
            if (ContentType is not null)
            {
                message.Content.Headers.TryAddWithoutValidation("Content-Type", ContentType);
            }
        }

        if (Authorization is not null)
        {
            message.Headers.TryAddWithoutValidation("Authorization", Authorization);
        }

        foreach (var (name, value) in Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        return message;
    }

    public override string ToString() => $"{Method} {(Url.Length > 120 ? Url[..120] + "..." : Url)} [{Mutation}]";
}

/// <summary>
/// Makes malformed requests for every operation of the API description, deterministically from a
/// seed: each starts from a request the operation would take (its path filled with the run's district
/// and cases, a body of its schema's shape, a token of a role it allows) and is then broken in exactly
/// one way that the host must refuse: a body that is truncated, of the wrong type, null, missing a
/// required member, carrying an unknown one, a number too large, NaN, a control character, text over
/// its limit, a bad date, id or enum name, far too large; a wrong or missing Content-Type; a bad
/// token, role or district; a bad If-Match, Idempotency-Key, X-On-Behalf-Of or X-Correlation-Id; a
/// query string with control characters, too long, too many values, an unknown filter or a bad page,
/// time or version; a case id or district that is not one. So no request of the run may be accepted
/// by a writing operation, and none may append an event.
/// </summary>
public sealed class MalformedRequests
{
    private const string Raw = "@@RAW@@";

    private readonly ApiDescription _api;
    private readonly TokenKeys _keys;
    private readonly string _district;
    private readonly string _otherDistrict;
    private readonly IReadOnlyDictionary<string, Guid> _cases;
    private readonly IReadOnlySet<string> _commandPaths;
    private readonly Random _random;
    private readonly ConcurrentDictionary<string, string> _tokens = new(StringComparer.Ordinal);
    private readonly IReadOnlyList<string> _badTokens;
    private int _unknownDistricts;

    /// <param name="api">The API description.</param>
    /// <param name="keys">The host's signing key: the run's callers sign in with tokens it signed.</param>
    /// <param name="district">The district the run works in (set up, holding <paramref name="cases"/>).</param>
    /// <param name="otherDistrict">A district set up too, whose tokens do not grant <paramref name="district"/>.</param>
    /// <param name="cases">A case of each kind, by the route its operations start with (<c>renovation-votes</c>), in <paramref name="district"/>.</param>
    /// <param name="commandPaths">The path templates of the kinds' commands (<c>GET /kinds</c>).</param>
    /// <param name="seed">The seed every choice is drawn from.</param>
    public MalformedRequests(ApiDescription api, TokenKeys keys, string district, string otherDistrict, IReadOnlyDictionary<string, Guid> cases,
        IReadOnlySet<string> commandPaths, int seed)
    {
        _api = api;
        _keys = keys;
        _district = district;
        _otherDistrict = otherDistrict;
        _cases = cases;
        _commandPaths = commandPaths;
        _random = new Random(seed);
        var now = DateTimeOffset.UtcNow;
        _badTokens =
        [
            "Bearer not-a-token",
            "Bearer a.b.c",
            "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.",
            "Bearer",
            "Basic dXNlcjpwYXNz",
            "Bearer " + TokenKeys.InMemory().Mint("intruder", [Role.Clerk, Role.Administrator], [district], Channel.ServiceWindow, TimeSpan.FromHours(1), now),
            "Bearer " + keys.Mint("late-clerk", [Role.Clerk, Role.Administrator], [district], Channel.ServiceWindow, TimeSpan.FromHours(1), now.AddHours(-3)),
            "Bearer " + keys.Mint("early-clerk", [Role.Clerk, Role.Administrator], [district], Channel.ServiceWindow, TimeSpan.FromHours(1), now.AddHours(3)),
        ];
    }

    /// <summary><paramref name="count"/> requests, the operations taken in turn so each is broken in many ways.</summary>
    public IReadOnlyList<MalformedRequest> Make(int count)
    {
        var operations = _api.Operations;
        var requests = new List<MalformedRequest>(count);
        for (var i = 0; i < count; i++)
        {
            requests.Add(Make(operations[i % operations.Count]));
        }

        return requests;
    }

    private bool IsCommand(ApiOperation operation) => operation.Writes && _commandPaths.Contains(operation.Path);

    private MalformedRequest Make(ApiOperation operation)
    {
        var families = new List<Func<ApiOperation, MalformedRequest?>>();
        if (operation.BodySchema is not null)
        {
            families.AddRange([BrokenBody, BrokenBody, BrokenBody, BrokenBody, WrongContentType]);
        }
        else if (operation.Writes)
        {
            families.AddRange([UnexpectedBody, UnexpectedBody]);
        }

        if (!operation.IsOpen)
        {
            families.AddRange([BadToken, WrongRoleOrDistrict]);
        }

        if (IsCommand(operation))
        {
            families.AddRange([BadCommandHeader, BadCommandHeader]);
        }

        families.Add(BadQueryString);
        if (operation.Method == "GET")
        {
            families.AddRange([BadQueryParameter, BadQueryParameter]);
        }

        if (operation.Path.Contains("{caseId}", StringComparison.Ordinal) || operation.Path.Contains("{district}", StringComparison.Ordinal))
        {
            families.Add(BadPath);
        }

        // A family that has nothing to break in this operation gives way to one that has.
        for (var attempt = 0; attempt < 20; attempt++)
        {
            if (families[_random.Next(families.Count)](operation) is { } request)
            {
                return request;
            }
        }

        return BadQueryString(operation)!;
    }

    // ---- What a request the operation would take looks like ---------------------------------------

    private string Path(ApiOperation operation, string? district = null, string? caseId = null)
    {
        var path = operation.Path.Replace("{district}", district ?? _district, StringComparison.Ordinal);
        if (path.Contains("{caseId}", StringComparison.Ordinal))
        {
            var route = operation.Path.Split('/') is ["", "districts", "{district}", var r, ..] ? r : "";
            var id = caseId ?? (_cases.TryGetValue(route, out var known) ? known : _cases.Values.First()).ToString();
            path = path.Replace("{caseId}", id, StringComparison.Ordinal);
        }

        return operation.Path == "/audit/entries" ? $"{path}?district={district ?? _district}" : path;
    }

    private static string With(string url, string query) => url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + query;

    private string Token(Role role, string district) =>
        _tokens.GetOrAdd($"{role}|{district}", _ =>
            "Bearer " + _keys.Mint($"fuzz-{Roles.NameOf(role)}", [role], [district],
                role switch { Role.Resident => Channel.OnlinePlatform, Role.Proxy => Channel.Proxy, Role.Partner => Channel.Partner, _ => Channel.ServiceWindow },
                TimeSpan.FromHours(2), DateTimeOffset.UtcNow, institution: role == Role.Partner ? "fuzz-bank" : null));

    /// <summary>The role a caller the operation allows signs in with: staff first, so nobody has to name whom they serve.</summary>
    private static Role AllowedRole(ApiOperation operation) =>
        new[] { Role.Clerk, Role.Administrator, Role.Auditor, Role.RuleAuthor, Role.Resident, Role.Proxy, Role.Partner }.First(operation.Roles.Contains);

    private string? Authorization(ApiOperation operation, string? district = null) =>
        operation.IsOpen ? null : Token(AllowedRole(operation), district ?? _district);

    private JsonNode? SampleBody(ApiOperation operation) => operation.BodySchema is { } schema ? _api.Sample(schema) : null;

    private MalformedRequest Request(ApiOperation operation, string mutation, string? url = null, byte[]? body = null, string? contentType = "application/json",
        IReadOnlyList<(string, string)>? headers = null, string? authorization = null, bool keepAuthorization = true)
    {
        body ??= SampleBody(operation) is { } sample ? Encoding.UTF8.GetBytes(sample.ToJsonString()) : null;
        return new MalformedRequest(operation, mutation, new HttpMethod(operation.Method), url ?? Path(operation), body, body is null ? null : contentType,
            headers ?? [], authorization ?? (keepAuthorization ? Authorization(operation) : null));
    }

    private T Pick<T>(IReadOnlyList<T> choices) => choices[_random.Next(choices.Count)];

    // ---- Bodies -------------------------------------------------------------------------------------

    private sealed record Member(JsonNode Parent, string? Name, int Index, JsonElement Schema, bool Required);

    private List<Member> Members(JsonNode node, JsonElement schema)
    {
        var found = new List<Member>();
        var resolved = _api.Resolve(schema);
        if (node is JsonObject obj && ApiDescription.Properties(resolved).Any())
        {
            var required = ApiDescription.Required(resolved);
            foreach (var (name, member) in ApiDescription.Properties(resolved))
            {
                if (obj.TryGetPropertyValue(name, out var child))
                {
                    found.Add(new Member(obj, name, -1, member, required.Contains(name)));
                    if (child is not null)
                    {
                        found.AddRange(Members(child, member));
                    }
                }
            }
        }
        else if (node is JsonArray array && resolved.TryGetProperty("items", out var items))
        {
            for (var i = 0; i < array.Count; i++)
            {
                found.Add(new Member(array, null, i, items, true));
                if (array[i] is { } child)
                {
                    found.AddRange(Members(child, items));
                }
            }
        }

        return found;
    }

    private static void Replace(Member member, JsonNode? value)
    {
        if (member.Name is not null)
        {
            ((JsonObject)member.Parent)[member.Name] = value;
        }
        else
        {
            ((JsonArray)member.Parent)[member.Index] = value;
        }
    }

    private static byte[] Bytes(JsonNode root, byte[]? raw = null)
    {
        var text = Encoding.UTF8.GetBytes(root.ToJsonString());
        if (raw is null)
        {
            return text;
        }

        var placeholder = Encoding.UTF8.GetBytes($"\"{Raw}\"");
        var at = text.AsSpan().IndexOf(placeholder);
        return at < 0 ? text : [.. text.AsSpan(0, at), .. raw, .. text.AsSpan(at + placeholder.Length)];
    }

    private MalformedRequest? BrokenBody(ApiOperation operation)
    {
        var root = SampleBody(operation)!;
        var members = Members(root, operation.BodySchema!.Value);
        var resolvedRoot = _api.Resolve(operation.BodySchema.Value);
        MalformedRequest Body(string mutation, byte[] bytes) => Request(operation, $"body: {mutation}", body: bytes);
        Member? Any(Func<Member, bool> fits) => members.Where(fits).ToList() is { Count: > 0 } fitting ? Pick(fitting) : null;
        bool Is(Member m, string kind) => _api.KindsOf(m.Schema).Contains(kind) && ApiDescription.EnumNames(_api.Resolve(m.Schema)).Count == 0;

        switch (_random.Next(15))
        {
            case 0:
            {
                var whole = Bytes(root);
                return Body("truncated", whole[..(1 + _random.Next(whole.Length - 1))]);
            }

            case 1 when Any(m => _api.KindsOf(m.Schema).Count > 0) is { } member:
            {
                var allowed = _api.KindsOf(member.Schema);
                var wrong = new (string Kind, Func<JsonNode?> Value)[]
                {
                    ("string", () => JsonValue.Create("wrong")), ("number", () => JsonValue.Create(7)), ("boolean", () => JsonValue.Create(false)),
                    ("object", () => new JsonObject { ["wrong"] = 1 }), ("array", () => new JsonArray(1, 2)),
                }.Where(w => !allowed.Contains(w.Kind)).ToList();
                var (kind, value) = Pick(wrong);
                Replace(member, value());
                return Body($"{Describe(member)} as {kind}", Bytes(root));
            }

            case 2 when Any(m => m.Required && !ApiDescription.AllowsNull(m.Schema)) is { } member:
                Replace(member, null);
                return Body($"{Describe(member)} null", Bytes(root));

            case 3 when Any(m => m.Required && m.Name is not null) is { } member:
                ((JsonObject)member.Parent).Remove(member.Name!);
                return Body($"{Describe(member)} left out", Bytes(root));

            case 4:
            {
                // Only objects of a declared shape: a free-form member (a rule proposal) takes any member.
                var objects = members.Where(m => m.Parent is JsonObject).Select(m => (JsonObject)m.Parent).Append((JsonObject)root).Distinct().ToList();
                var target = Pick(objects);
                target[Pick(["unexpected", "choise", "Approved ", "__proto__", "$type"])] = Pick<JsonNode?>([JsonValue.Create(1), JsonValue.Create("x"), null]);
                return Body("an unknown member", Bytes(root));
            }

            case 5 when Any(m => Is(m, "number")) is { } member:
            {
                var raw = Pick(["1e400", "-1e400", "10000000000000", "-10000000000000", "79228162514264337593543950336", "1.7976931348623157e308", "NaN", "Infinity", "-Infinity", "0x10", "1_000"]);
                Replace(member, JsonValue.Create(Raw));
                return Body($"{Describe(member)} = {raw}", Bytes(root, Encoding.UTF8.GetBytes(raw)));
            }

            case 6 when Any(m => Is(m, "string") && !_api.KindsOf(m.Schema).Contains("number")) is { } member:
            {
                var text = Pick(["a\u0000b", "\u0007", "x\u001b[31mred", "\u0001\u0002", "line\u000Bfeed", "\u007F", "\uFEFF\u0000"]);
                Replace(member, JsonValue.Create(text));
                return Body($"{Describe(member)} with a control character", Bytes(root));
            }

            case 7 when Any(m => Is(m, "string") && !_api.KindsOf(m.Schema).Contains("number")) is { } member:
            {
                var limit = ApiDescription.MaxLength(_api.Resolve(member.Schema)) ?? InputLimits.Text;
                Replace(member, JsonValue.Create(new string('w', limit + 1 + _random.Next(50))));
                return Body($"{Describe(member)} over {limit} characters", Bytes(root));
            }

            case 8 when Any(m => ApiDescription.Format(_api.Resolve(m.Schema)) is "date-time" or "date") is { } member:
            {
                Replace(member, JsonValue.Create(Pick(["yesterday", "2024-13-45", "0001-01-01T00:00:00Z", "2024-04-08T09:00:00", "9999-12-31T23:59:59-14:00",
                    "2024-04-08T09:00:00+25:00", "1712538000", "", "2024-02-30", "2024-04-08 09:00"])));
                return Body($"{Describe(member)} a bad date", Bytes(root));
            }

            case 9 when Any(m => ApiDescription.Format(_api.Resolve(m.Schema)) == "uuid") is { } member:
                Replace(member, JsonValue.Create(Pick(["not-a-guid", "", "0193a1c0-0001-7000-8000-00000000000g", "12345", new string('f', 300)])));
                return Body($"{Describe(member)} a bad id", Bytes(root));

            case 10 when Any(m => ApiDescription.EnumNames(_api.Resolve(m.Schema)).Count > 0) is { } member:
            {
                var names = ApiDescription.EnumNames(_api.Resolve(member.Schema));
                var raw = Pick([$"\"{names[0]}, {names[^1]}\"", "\"Maybe\"", "1", "0", "\"\"", $"\" {names[0]}\"", "true", "null"]);
                Replace(member, JsonValue.Create(Raw));
                return Body($"{Describe(member)} = {raw}", Bytes(root, Encoding.UTF8.GetBytes(raw)));
            }

            case 11 when Any(m => m.Name is not null && m.Parent == root) is { } first:
            {
                // The same member twice: the host must not pick one of them.
                var text = root.ToJsonString();
                var value = root[first.Name!]?.ToJsonString() ?? "null";
                return Body($"{first.Name} twice", Encoding.UTF8.GetBytes($"{{\"{first.Name}\":{value},{text[1..]}"));
            }

            case 12:
            {
                var whole = Pick(["null", "[]", "\"\"", "0", "true", "{", "}", "not json", "{\"a\":}", "[{}]", "{}", "", "\uFEFF", "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]"]);
                if (whole == "{}" && ApiDescription.Required(resolvedRoot).Count == 0)
                {
                    return null;
                }

                return Body($"the whole body {JsonSerializer.Serialize(whole)}", Encoding.UTF8.GetBytes(whole));
            }

            case 13 when Any(m => Is(m, "string")) is { } member:
            {
                Replace(member, JsonValue.Create(Raw));
                return Body($"{Describe(member)} not UTF-8", Bytes(root, [(byte)'"', 0xC3, 0x28, 0xFF, 0xFE, (byte)'"']));
            }

            case 14:
                return OversizedBody(operation);

            default:
                return null;
        }
    }

    private static string Describe(object member) => member is Member m ? m.Name ?? $"[{m.Index}]" : "?";

    /// <summary>Bodies far beyond any member's or request's limit: most just over a command's, a few over the host's.</summary>
    private MalformedRequest OversizedBody(ApiOperation operation)
    {
        var bytes = _random.Next(10) == 0 ? InputLimits.LargeBodyBytes + 100_000 : InputLimits.CommandBodyBytes + 5_000;
        var text = $"{{\"padding\":\"{new string('p', (int)bytes)}\"}}";
        return Request(operation, $"body: {bytes} bytes", body: Encoding.UTF8.GetBytes(text));
    }

    private MalformedRequest? UnexpectedBody(ApiOperation operation)
    {
        var body = Pick(["{\"unexpected\":1}", "null", "[]", "{", "not json", "\"\"", "{\"force\":true}"]);
        return _random.Next(8) == 0
            ? OversizedBody(operation)
            : Request(operation, $"a body where none is taken: {body}", body: Encoding.UTF8.GetBytes(body));
    }

    private MalformedRequest WrongContentType(ApiOperation operation)
    {
        var type = Pick<string?>([null, "text/plain", "application/xml", "application/json; charset=latin1", "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=x", "text/json", "application/jsonx", "json"]);
        return Request(operation, $"Content-Type: {type ?? "none"}", contentType: type);
    }

    // ---- Who asks -------------------------------------------------------------------------------

    private MalformedRequest BadToken(ApiOperation operation)
    {
        var token = Pick(_badTokens);
        return Request(operation, $"token: {token[..Math.Min(token.Length, 24)]}", authorization: token);
    }

    private MalformedRequest? WrongRoleOrDistrict(ApiOperation operation)
    {
        var names = operation.Path.Contains("{district}", StringComparison.Ordinal) || operation.Path == "/audit/entries";
        if (_random.Next(2) == 0 && names)
        {
            return Request(operation, "a token for another district", authorization: Token(AllowedRole(operation), _otherDistrict));
        }

        return Enum.GetValues<Role>().Except(operation.Roles).ToList() is { Count: > 0 } refused
            ? Pick(refused) is var role ? Request(operation, $"a {Roles.NameOf(role)}'s token", authorization: Token(role, _district)) : null
            : null;
    }

    private MalformedRequest BadCommandHeader(ApiOperation operation)
    {
        var (name, values) = _random.Next(4) switch
        {
            0 => ("If-Match", Pick<string[]>([["garbage"], ["-1"], ["*"], ["W/\"3\""], ["\"3\", \"4\""], ["\"3\"", "\"4\""], ["\"\""], ["\"99999999999999999999\""], ["3"],
                ["\"-1\""], ["\"1.5\""], ["\"3"]])),
            // HttpClient joins two values of these headers into one line ("k1, k2"), which is one well-formed value: not sent.
            1 => (IdempotentRequests.Header, Pick<string[]>([[new string('k', IdempotentRequests.MaxKeyLength + 1)], ["a\tb"]])),
            2 => (CaseHttp.OnBehalfOfHeader, Pick<string[]>([[new string('o', CaseHttp.MaxActorLength + 1)], ["o\t1"]])),
            _ => (CaseHttp.CorrelationHeader, Pick<string[]>([[new string('c', CaseHttp.MaxActorLength + 1)], ["c\t1"]])),
        };
        return Request(operation, $"{name}: {string.Join(" | ", values.Select(v => v.Length > 24 ? v[..24] + "..." : v))}",
            headers: values.Select(v => (name, v)).ToList());
    }

    // ---- Query strings and paths -----------------------------------------------------------------

    private MalformedRequest BadQueryString(ApiOperation operation)
    {
        var url = Path(operation);
        var (mutation, query) = _random.Next(3) switch
        {
            0 => ("a control character in the query", $"{Pick(["q", "actor", "kind", "compoundId", "x"])}={Pick(["%00", "a%01b", "%7F", "%0A", "%1B%5B31m", "%0D%0A"])}"),
            1 => ("a query value too long", $"{Pick(["q", "actor", "compoundId", "x"])}={new string('v', InputLimits.QueryValue + 1 + _random.Next(3_000))}"),
            _ => ("too many query values", string.Join('&', Enumerable.Repeat("district=" + _district, InputLimits.QueryValues + 1))),
        };
        return Request(operation, mutation, url: With(url, query));
    }

    private MalformedRequest? BadQueryParameter(ApiOperation operation)
    {
        var url = Path(operation);
        string? query = operation.Path switch
        {
            "/audit/entries" => Pick([
                "limit=0", "limit=-1", "limit=2147483647", "limit=abc", "limit=1.5", "limit=1&limit=2", "limit=501", "limit=",
                "cursor=", "cursor=abc", "cursor=%25%25", "cursor=WyJhdWRpdCJd", "count=yes", "page=2", "from=yesterday", "from=2024-04-08T09:00:00", "to=0001-01-01T00:00:00Z",
                "to=9999-12-31T23:59:59-14:00", "caseId=not-a-guid", "caseId=" + _cases.Values.First() + "&caseId=" + _cases.Values.Last(), "order=sideways",
                "actor=a&actor=b", "actr=someone", "district=UPPER", "district=nosuch-" + Interlocked.Increment(ref _unknownDistricts),
            ]),
            var p when p.EndsWith("/state", StringComparison.Ordinal) => Pick([
                "version=0", "version=-1", "version=99999999999999999999", "version=abc", "version=1.5", "at=yesterday", "at=2024-04-08T09:00:00",
                "version=1&at=2025-03-04T09:00:00Z", "version=1&version=2", "at=9999-12-31T23:59:59-14:00",
            ]),
            var p when p.EndsWith("/diff", StringComparison.Ordinal) => Pick([
                "fromVersion=0&toVersion=1", "fromVersion=1&toVersion=abc", "fromAt=yesterday&toAt=2025-03-04T09:00:00Z", "fromVersion=1&fromAt=2025-03-04T09:00:00Z&toVersion=2",
                "toVersion=99999999999999999999", "fromVersion=1",
            ]),
            var p when !p.EndsWith('}') && p.Split('/') is ["", "districts", "{district}", _] && _cases.ContainsKey(p.Split('/')[3]) => Pick([
                "nosuchfilter=1", "compoundId=a&compoundId=b", "compundId=x", "compoundId=x&extra=1",
            ]),
            _ => null,
        };
        return query is null ? null : Request(operation, $"query {query[..Math.Min(query.Length, 60)]}", url: With(url, query));
    }

    private MalformedRequest? BadPath(ApiOperation operation)
    {
        if (operation.Path.Contains("{caseId}", StringComparison.Ordinal) && _random.Next(2) == 0)
        {
            var id = Pick(["not-a-guid", "12345", new string('9', 300), "%01", "0193a1c0-0001-7000-8000-00000000000g", "..", "%2e%2e", "null"]);
            return Request(operation, $"case id {id[..Math.Min(id.Length, 20)]}", url: Path(operation, caseId: id));
        }

        if (!operation.Path.Contains("{district}", StringComparison.Ordinal))
        {
            return null;
        }

        if (_random.Next(3) == 0)
        {
            // A well-formed district the token grants but this deployment has not set up.
            var unknown = $"nosuch-{Interlocked.Increment(ref _unknownDistricts)}";
            return Request(operation, "a district not set up here", url: Path(operation, district: unknown), authorization: Authorization(operation, unknown));
        }

        var district = Pick(["UPPER", "a_b", new string('d', 64), "-lead", "%01x", "%C3%A9t%C3%A9", "a%20b", "a.b"]);
        return Request(operation, $"district {district[..Math.Min(district.Length, 20)]}", url: Path(operation, district: district),
            authorization: Authorization(operation, Uri.UnescapeDataString(district)));
    }
}
