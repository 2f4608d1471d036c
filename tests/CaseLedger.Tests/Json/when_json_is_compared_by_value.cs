using System.Buffers;
using System.Text;
using CaseLedger.Audit;
using CaseLedger.Core;

namespace CaseLedger.Tests.Json;

// Verification compares every stored document with what the events produce. It walks both JSON texts
// side by side (JsonSameValue) and builds the canonical form only when they are not surely the same:
// "surely the same" must never be said of two texts whose canonical forms differ.
public sealed class when_json_is_compared_by_value
{
    private static bool Surely(string left, string right) => JsonSameValue.Surely(Encoding.UTF8.GetBytes(left), Encoding.UTF8.GetBytes(right));

    public static TheoryData<string, string> SameValues() => new()
    {
        { """{"a":1,"b":"x"}""", """{"a":1,"b":"x"}""" },
        // As PostgreSQL's jsonb writes a document back: members reordered, spaces after ':' and ','.
        { """{"caseId":"c1","version":3,"tally":{"yes":2,"no":1},"roll":[1,2,3]}""", """{"roll": [1, 2, 3], "tally": {"no": 1, "yes": 2}, "caseId": "c1", "version": 3}""" },
        { """{"name":"\u4e2d\u6587","quote":"a\"b"}""", """{"name": "中文", "quote": "a\"b"}""" },
        { """[{"a":null,"b":true},{"c":false}]""", """[{"b": true, "a": null}, {"c": false}]""" },
        { """{}""", """{ }""" },
        { """{"list":[]}""", """{"list": []}""" },
        { "12.50", "12.50" },
        { """{"a":[{"x":1,"y":{"p":1,"q":[1,{"r":2,"s":3}]}}],"b":2}""", """{"b": 2, "a": [{"y": {"q": [1, {"s": 3, "r": 2}], "p": 1}, "x": 1}]}""" },
    };

    public static TheoryData<string, string> DifferentValues() => new()
    {
        { """{"a":1,"b":"x"}""", """{"a":1,"b":"y"}""" },
        { """{"a":1,"b":"x"}""", """{"a":1}""" },
        { """{"a":1}""", """{"a":1,"b":"x"}""" },
        { """{"a":[1,2]}""", """{"a":[2,1]}""" },
        { """{"a":[1,2]}""", """{"a":[1,2,3]}""" },
        { """{"a":{"b":1}}""", """{"a":{"b":2}}""" },
        { """{"a":null}""", """{"a":false}""" },
        { """{"a":"1"}""", """{"a":1}""" },
        { """{"a":[{"x":1,"y":{"p":1,"q":[1,{"r":2,"s":3}]}}],"b":2}""", """{"b": 2, "a": [{"y": {"q": [1, {"s": 3, "r": 4}], "p": 1}, "x": 1}]}""" },
    };

    [Theory]
    [MemberData(nameof(SameValues))]
    public void the_same_value_written_another_way_is_surely_the_same(string left, string right)
    {
        Surely(left, right).ShouldBeTrue();
        Surely(right, left).ShouldBeTrue();
        CanonicalJson.SameValue(left, right).ShouldBeTrue();
    }

    [Theory]
    [MemberData(nameof(DifferentValues))]
    public void a_different_value_is_not(string left, string right)
    {
        Surely(left, right).ShouldBeFalse();
        Surely(right, left).ShouldBeFalse();
        CanonicalJson.SameValue(left, right).ShouldBeFalse();
    }

    [Theory]
    [InlineData("""{"amount":1.0}""", """{"amount":1}""")]
    [InlineData("""{"amount":1280000}""", """{"amount":1.28e6}""")]
    [InlineData("""{"n\u0061me":1}""", """{"name":1}""")]
    public void the_same_value_that_takes_the_canonical_form_to_tell_is_left_to_it(string left, string right)
    {
        Surely(left, right).ShouldBeFalse();
        CanonicalJson.SameValue(left, right).ShouldBeTrue();
    }

    [Fact]
    public void a_member_given_twice_is_not_matched_against_two_different_members()
    {
        Surely("""{"a":1,"a":1}""", """{"a":1,"b":1}""").ShouldBeFalse();
    }

    [Theory]
    [InlineData("""{"a":1} x""", """{"a":1}""")]
    [InlineData("""{"a":1""", """{"a":1}""")]
    [InlineData("""not json""", """{"a":1}""")]
    public void text_that_is_not_one_json_value_is_not_surely_anything(string left, string right)
    {
        Surely(left, right).ShouldBeFalse();
    }

    [Fact]
    public void objects_nested_deeper_than_one_buffer_of_members_still_compare()
    {
        var left = string.Concat(Enumerable.Range(0, 40).Select(i => $$"""{"m{{i}}":{{i}},"next":""")) + "null" + new string('}', 40);
        var right = string.Concat(Enumerable.Range(0, 40).Select(i => $$"""{"next":""")) + "null" + string.Concat(Enumerable.Range(0, 40).Reverse().Select(i => $$""","m{{i}}":{{i}}}"""));

        Surely(left, right).ShouldBeTrue();
        Surely(left, right.Replace("\"m7\":7", "\"m7\":8", StringComparison.Ordinal)).ShouldBeFalse();
    }

    [Fact]
    public void the_store_serializes_into_a_buffer_the_same_bytes_as_into_a_string()
    {
        // Verification serializes the documents it expects into a reused buffer: they must be the store's own JSON.
        var serializer = StoreJson.Create();
        var entry = new AuditEntry
        {
            Id = Guid.Parse("0190c9a0-0000-7000-8000-000000000002"),
            CaseId = Guid.Parse("0190c9a0-0000-7000-8000-000000000001"),
            Kind = "work-order",
            District = "yuelu",
            Version = 4,
            Sequence = 17,
            Time = new DateTimeOffset(2025, 3, 3, 1, 2, 3, 456, TimeSpan.FromHours(8)),
            Actor = "王芳",
            Summary = "Visited \"the user\"",
        };
        var buffer = new ArrayBufferWriter<byte>();

        serializer.WriteTo(buffer, entry);

        Encoding.UTF8.GetString(buffer.WrittenSpan).ShouldBe(serializer.ToJson(entry));
    }
}
