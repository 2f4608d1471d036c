using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CaseLedger.Core;

namespace CaseLedger.Tests.Json;

// The canonical writer reads JSON once, without a parsed document, and must give exactly the bytes of
// the documented canonical text (CanonicalJson.Canonicalize), which every chain link and digest ever
// recorded was made of.
public sealed class when_json_is_written_in_canonical_form
{
    public static TheoryData<string> Samples => new()
    {
        """{}""",
        """[]""",
        """ { "b" : 1 , "a" : [ 2 , { "d" : null, "c" : true } ], "e": false } """,
        """{"z":{"y":{"x":{"w":1,"v":2},"u":3},"t":4},"s":5}""",
        """{"amount":2500.0,"cap":190.00,"zero":-0,"negativeZero":-0.000,"half":-0.50,"big":1.28e6,"small":1.5E-3,"int":1000}""",
        """{"long":1234567890123456789012345678901234,"fraction":0.1234567890123456789012345678901,"double":0.30000000000000004}""",
        """{"name":"\u5f20\u4e09","plain":"张三","quote":"a\"b","slash":"a\\b","solidus":"a\/b","tab":"a\tb","nul":"\u0000","del":"\u007f"}""",
        """{"\u00e9":1,"e":2,"\u0065\u0301":3,"Z":4,"a":5,"":6}""",
        """{"\ud83d\ude00":1,"\uffff":2,"\ue000":3,"\ud7ff":4}""",
        """{"same":1,"same":2,"a":0}""",
        """["b","a",{"b":[{"d":1,"c":2}],"a":{}}]""",
        "\"just a string\"",
        "42.10",
        "null",
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void the_bytes_are_the_documented_canonical_text(string json) =>
        Written(json).ShouldBe(Encoding.UTF8.GetBytes(CanonicalJson.Canonicalize(json)));

    [Fact]
    public void generated_documents_of_every_shape_give_the_documented_canonical_text()
    {
        var random = new Random(20261208);
        for (var i = 0; i < 2000; i++)
        {
            var json = (Generate(random, depth: 0) ?? JsonValue.Create(0)).ToJsonString(new JsonSerializerOptions { Encoder = i % 2 == 0 ? null : System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
            Encoding.UTF8.GetString(Written(json)).ShouldBe(CanonicalJson.Canonicalize(json), json);
        }
    }

    [Fact]
    public void a_writer_reused_after_a_malformed_text_writes_the_next_one_alike()
    {
        var writer = new CanonicalWriter();
        Should.Throw<JsonException>(() => writer.Json("""{"b":{"c":1,"a":"""));
        writer.Clear();
        writer.Json("""{"b":2,"a":1}""");
        Encoding.UTF8.GetString(writer.Written).ShouldBe("""{"a":1,"b":2}""");
    }

    [Theory]
    [InlineData("""{"a":1} {"b":2}""")]
    [InlineData("")]
    [InlineData("""{"a":}""")]
    public void anything_but_one_json_value_is_refused(string json) =>
        Should.Throw<JsonException>(() => new CanonicalWriter().Json(json));

    private static byte[] Written(string json)
    {
        var writer = new CanonicalWriter();
        writer.Json(json);
        var asText = writer.Written.ToArray();
        writer.Clear();
        writer.Json(Encoding.UTF8.GetBytes(json).AsMemory());
        writer.Written.ToArray().ShouldBe(asText);
        return asText;
    }

    private static readonly string[] Names = ["a", "b", "B", "aa", "ab", "caseId", "version", "é", "张", "\"q", "back\\slash", "\t", "😀", "\uE000", "x y", ""];

    private static JsonNode? Generate(Random random, int depth)
    {
        switch (random.Next(depth > 4 ? 5 : 8))
        {
            case 0: return null;
            case 1: return JsonValue.Create(random.Next(2) == 0);
            case 2: return JsonValue.Create(Math.Round((decimal)(random.NextDouble() * 1_000_000 - 500_000), random.Next(5)));
            case 3: return JsonValue.Create(random.NextInt64(-1_000_000_000_000, 1_000_000_000_000));
            case 4: return JsonValue.Create(Names[random.Next(Names.Length)] + (char)random.Next(0, 0x3000));
            case 5:
            case 6:
                var obj = new JsonObject();
                foreach (var name in Names.OrderBy(_ => random.Next()).Take(random.Next(0, 9)))
                {
                    obj[name] = Generate(random, depth + 1);
                }

                return obj;
            default:
                var array = new JsonArray();
                for (var i = random.Next(0, 5); i > 0; i--)
                {
                    array.Add(Generate(random, depth + 1));
                }

                return array;
        }
    }
}
