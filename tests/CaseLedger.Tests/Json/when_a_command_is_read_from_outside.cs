using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.Http;

namespace CaseLedger.Tests.Json;

// Every record a client sends (each kind's commands, the records inside them, and the HTTP requests
// that are not commands) is read strictly: a member left out is refused by name unless it is one of the
// few that are optional by design, and every text and list member declares how long it may be.
public sealed class when_a_command_is_read_from_outside
{
    /// <summary>
    /// The members a client may leave out, and why; each means "none" and nothing is assumed for it.
    /// Everything else is required: a missing member is refused, never defaulted.
    /// </summary>
    private static readonly Dictionary<string, string> OptionalByDesign = new(StringComparer.Ordinal)
    {
        ["RegisterProject.RenovationVoteId"] = "a project paid without the maintenance fund references no vote; spending the fund without one is refused by the decision",
        ["RollEntry.CoOwnerIds"] = "a unit with a sole owner has no co-owners",
        ["ApplyForCertificate.Applicant"] = "refused by the decision, by name (certificate.applicant_missing), so scenarios can state an incomplete application",
        ["ApplyForCertificate.ExistingDocument"] = "refused by the decision, by name (certificate.existing_document_missing): a first document is applied for at a window",
        ["ApplicantFacts.Id"] = "refused by the decision, by name (certificate.applicant_id_missing)",
        ["ApplicantFacts.Name"] = "refused by the decision, by name (certificate.applicant_name_missing)",
        ["ApplicantFacts.DateOfBirth"] = "refused by the decision, by name (certificate.date_of_birth_missing)",
        ["ApplicantFacts.HouseholdCity"] = "refused by the decision, by name (certificate.household_city_missing)",
        ["ApplicantFacts.FingerprintsOnFile"] = "refused by the decision, by name (certificate.fingerprints_unknown)",
        ["RecordContact.Note"] = "a contact needs no note; the event records none",
        ["WhatIfRequest.Proposal"] = "a version already in the rule book needs no proposal",
        ["WhatIfRequest.Districts"] = "none named: every district the caller's token grants",
        ["WhatIfRequest.From"] = "no start: cases opened at any time",
        ["WhatIfRequest.To"] = "no end: cases opened at any time",
        ["SubmitClaim.ChildId"] = "screening, delivery, infertility and unemployment claims name no child; a birth grant, insurance or childcare claim without one is refused by the decision (birth_support.child_missing)",
        ["SubmitClaim.BirthOrder"] = "only a birth grant needs it (refused without it: birth_support.birth_order_invalid); given for another benefit, it is checked against the household's claims",
        ["SubmitClaim.ChildBornOn"] = "only childcare needs it (refused without it: birth_support.birth_date_invalid)",
        ["SubmitClaim.Expense"] = "the grants, screening and delivery are fixed amounts and take none; the other benefits are refused without it, and any benefit with one that is not theirs or not a positive amount (birth_support.expense_invalid)",
        ["ScenarioRunRequest.Proposal"] = "a scenario file that names only versions in the rule book needs no proposal",
        ["ExistingDocument.ExpiresOn"] = "may be null, so may be left out: an expiry date not given, which the eligibility check says",
    };

    /// <summary>Every command record of every standard kind, and the HTTP requests that are not commands.</summary>
    private static readonly IReadOnlyList<Type> RequestTypes = StandardKinds.Create().All.SelectMany(k => k.Commands).Select(c => c.CommandType)
        .Concat([typeof(SetUpDistrict), typeof(WhatIfRequest), typeof(ScenarioRunRequest)]).ToList();

    public static TheoryData<Type> Requests() => [.. RequestTypes];

    /// <summary>The record and every record it holds, each once.</summary>
    private static IEnumerable<Type> RecordsIn(Type type, HashSet<Type>? seen = null)
    {
        seen ??= [];
        if (!seen.Add(type))
        {
            yield break;
        }

        yield return type;
        foreach (var parameter in Constructor(type).GetParameters())
        {
            var member = Entry(parameter.ParameterType);
            if (IsRecord(member))
            {
                foreach (var inner in RecordsIn(member, seen))
                {
                    yield return inner;
                }
            }
        }
    }

    private static ConstructorInfo Constructor(Type type) => type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).First();

    private static readonly NullabilityInfoContext Nullability = new();

    /// <summary>Whether a member may be left out: it has a default, or it may be null (and is then null).</summary>
    private static bool MayBeLeftOut(ParameterInfo parameter) =>
        parameter.HasDefaultValue || Nullable.GetUnderlyingType(parameter.ParameterType) is not null
        || (!parameter.ParameterType.IsValueType && Nullability.Create(parameter).WriteState == NullabilityState.Nullable);

    private static bool IsRecord(Type type) => type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("CaseLedger", StringComparison.Ordinal) == true;

    /// <summary>A list's entry type, a nullable's value type, or the type itself.</summary>
    private static Type Entry(Type type) =>
        Nullable.GetUnderlyingType(type)
        ?? (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>) ? type.GetGenericArguments()[0] : type);

    private static string Camel(string name) => char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>A value of the member's type, as a client would write it.</summary>
    private static JsonNode? Sample(Type type)
    {
        if (Nullable.GetUnderlyingType(type) is { } inner)
        {
            return Sample(inner);
        }

        if (type.IsGenericType && type.GetGenericTypeDefinition() == typeof(IReadOnlyList<>))
        {
            return new JsonArray(Sample(type.GetGenericArguments()[0]));
        }

        if (type.IsEnum)
        {
            return JsonValue.Create(Enum.GetNames(type)[0]);
        }

        if (type == typeof(JsonObject))
        {
            return new JsonObject();
        }

        if (IsRecord(type))
        {
            var node = new JsonObject();
            foreach (var parameter in Constructor(type).GetParameters())
            {
                node[Camel(parameter.Name!)] = Sample(parameter.ParameterType);
            }

            return node;
        }

        return type switch
        {
            _ when type == typeof(string) => JsonValue.Create("x"),
            _ when type == typeof(decimal) => JsonValue.Create(1.5m),
            _ when type == typeof(int) => JsonValue.Create(2004),
            _ when type == typeof(bool) => JsonValue.Create(true),
            _ when type == typeof(Guid) => JsonValue.Create(Guid.Empty),
            _ when type == typeof(DateOnly) => JsonValue.Create("2025-03-04"),
            _ when type == typeof(DateTimeOffset) => JsonValue.Create("2025-03-04T09:00:00+08:00"),
            _ => throw new InvalidOperationException($"No sample for {type.Name}: teach this test the new member type."),
        };
    }

    [Theory]
    [MemberData(nameof(Requests))]
    public void a_body_with_every_member_is_read(Type request) =>
        JsonSerializer.Deserialize(Sample(request)!.ToJsonString(), request, CaseJson.Strict).ShouldNotBeNull();

    [Theory]
    [MemberData(nameof(Requests))]
    public void a_required_member_left_out_anywhere_is_refused_by_its_name(Type request)
    {
        foreach (var record in RecordsIn(request))
        {
            foreach (var parameter in Constructor(record).GetParameters().Where(p => !MayBeLeftOut(p)))
            {
                var body = Sample(request)!;
                var holder = Holder(body, request, record);
                holder.Remove(Camel(parameter.Name!));

                var refused = Should.Throw<JsonException>(() => JsonSerializer.Deserialize(body.ToJsonString(), request, CaseJson.Strict),
                    $"{record.Name}.{parameter.Name} left out");
                CaseJson.Describe(refused).ShouldContain($"'{Camel(parameter.Name!)}'");
            }
        }
    }

    [Fact]
    public void only_the_members_optional_by_design_may_be_left_out()
    {
        var optional = RequestTypes.SelectMany(r => RecordsIn(r)).Distinct()
            .SelectMany(record => Constructor(record).GetParameters().Where(MayBeLeftOut).Select(p => $"{record.Name}.{p.Name}"))
            .ToList();

        optional.ShouldBe(OptionalByDesign.Keys, ignoreOrder: true);
    }

    [Fact]
    public void a_member_that_may_be_null_may_be_left_out_though_its_record_gives_it_no_default()
    {
        var document = JsonSerializer.Deserialize<CaseLedger.Cases.Certificates.ExistingDocument>(
            """{"damaged":false,"lostOrStolen":true,"visaPagesUsedUp":false}""", CaseJson.Strict)!;
        var seal = JsonSerializer.Deserialize<CaseLedger.Audit.SealFile>(
            """{"statement":{"format":"f","district":"d","number":1,"sealedAt":"t","treeSize":1,"root":"r","newLinks":1,"keyId":"k"},"signature":"s","consistency":[]}""",
            CaseJson.Strict)!;

        document.ExpiresOn.ShouldBeNull();
        seal.Statement.Previous.ShouldBeNull();
        // One that may not be null is still required.
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<CaseLedger.Cases.Certificates.ExistingDocument>(
            """{"expiresOn":null,"lostOrStolen":true,"visaPagesUsedUp":false}""", CaseJson.Strict));
    }

    [Theory]
    [InlineData("1000000000001")]
    [InlineData("-1000000000001")]
    [InlineData("-9223372036854775808")]
    [InlineData("1.5")]
    [InlineData("\"12\"")]
    public void a_whole_number_beyond_the_bound_of_amounts_or_not_whole_is_refused(string number)
    {
        Should.Throw<JsonException>(() => JsonSerializer.Deserialize<CaseLedger.Audit.SealReference>(
            $$"""{"number":{{number}},"treeSize":1,"root":"r"}""", CaseJson.Strict));
        JsonSerializer.Deserialize<CaseLedger.Audit.SealReference>("""{"number":1000000000000,"treeSize":-1000000000000,"root":"r"}""", CaseJson.Strict)!
            .Number.ShouldBe(1_000_000_000_000L);
    }

    [Fact]
    public void every_text_and_list_member_says_how_long_it_may_be()
    {
        var unbounded = RequestTypes.SelectMany(r => RecordsIn(r)).Distinct()
            .SelectMany(record => record.GetProperties()
                .Where(p => p.PropertyType == typeof(string) || (p.PropertyType.IsGenericType && p.PropertyType.GetGenericTypeDefinition() == typeof(IReadOnlyList<>)))
                .Where(p => p.GetCustomAttribute<MaxLengthAttribute>() is null)
                .Select(p => $"{record.Name}.{p.Name}"))
            .ToList();

        unbounded.ShouldBeEmpty();
    }

    /// <summary>The object in <paramref name="body"/> that holds <paramref name="record"/>'s members (the first one, inside lists too).</summary>
    private static JsonObject Holder(JsonNode body, Type type, Type record)
    {
        if (type == record)
        {
            return (JsonObject)body;
        }

        foreach (var parameter in Constructor(type).GetParameters())
        {
            var member = Entry(parameter.ParameterType);
            var value = body[Camel(parameter.Name!)];
            var node = value is JsonArray list ? list[0] : value;
            if (IsRecord(member) && node is not null && RecordsIn(member).Contains(record))
            {
                return Holder(node, member, record);
            }
        }

        throw new InvalidOperationException($"{record.Name} is not in {type.Name}.");
    }
}
