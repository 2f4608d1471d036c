using CaseLedger.Audit;

namespace CaseLedger.Tests.Audit;

// The bytes a chain link hashes, as docs/tamper-evidence.md lays them out. Events appended now chain
// every header they carry and their global sequence (format v3); events recorded before keep the form
// their link was made in (v2: who acted, in which role, vouched for by which issuer; v1: before roles
// were kept), so their links still verify.
public sealed class when_an_event_is_put_in_canonical_form
{
    private static readonly ChainedEvent Ballot = new(Guid.Parse("0190c9a0-0000-7000-8000-000000000001"), "yuelu", 3, "renovation_vote.ballot_cast.v1",
        new DateTimeOffset(2025, 3, 3, 1, 2, 3, 456, 789, TimeSpan.Zero), "O1", null, "WeChatMiniProgram", null, "corr-1", null,
        """{"voterId":"O1","choice":"Yes"}""");

    [Fact]
    public void an_event_without_a_role_keeps_the_v1_form()
    {
        ChainHashing.Canonical(Ballot, ChainHashing.FormatWithoutRoles).ShouldBe(
            """{"case":"0190c9a0-0000-7000-8000-000000000001","data":{"choice":"Yes","voterId":"O1"},"district":"yuelu","format":"caseledger-chain-v1","metadata":{"actor":"O1","causationId":null,"channel":"WeChatMiniProgram","correlationId":"corr-1","onBehalfOf":null,"rule":null,"time":"2025-03-03T01:02:03.456789Z"},"type":"renovation_vote.ballot_cast.v1","version":3}""");
    }

    [Fact]
    public void an_event_with_a_role_chains_the_role_and_the_issuer_in_the_v2_form()
    {
        var signedIn = Ballot with { Role = "resident", Issuer = "caseledger-local" };

        ChainHashing.Canonical(signedIn, ChainHashing.FormatWithRoles).ShouldBe(
            """{"case":"0190c9a0-0000-7000-8000-000000000001","data":{"choice":"Yes","voterId":"O1"},"district":"yuelu","format":"caseledger-chain-v2","metadata":{"actor":"O1","causationId":null,"channel":"WeChatMiniProgram","correlationId":"corr-1","issuer":"caseledger-local","onBehalfOf":null,"role":"resident","rule":null,"time":"2025-03-03T01:02:03.456789Z"},"type":"renovation_vote.ballot_cast.v1","version":3}""");
        ChainHashing.Link(ChainHashing.Genesis, signedIn, ChainHashing.FormatWithRoles)
            .ShouldNotBe(ChainHashing.Link(ChainHashing.Genesis, signedIn with { Role = "clerk" }, ChainHashing.FormatWithRoles));
    }

    [Fact]
    public void an_event_appended_now_chains_every_header_and_its_sequence_in_the_v3_form()
    {
        var appended = Ballot with
        {
            Role = "resident",
            Headers = """{"role":"resident","channel":"WeChatMiniProgram","institution":"bank-3","digests":{"case":{"VoteTally":"ab:cd"},"documents":{}}}""",
            Sequence = 41,
        };

        ChainHashing.Canonical(appended).ShouldBe(
            """{"case":"0190c9a0-0000-7000-8000-000000000001","data":{"choice":"Yes","voterId":"O1"},"district":"yuelu","format":"caseledger-chain-v3","headers":{"channel":"WeChatMiniProgram","digests":{"case":{"VoteTally":"ab:cd"},"documents":{}},"institution":"bank-3","role":"resident"},"metadata":{"actor":"O1","causationId":null,"correlationId":"corr-1","time":"2025-03-03T01:02:03.456789Z"},"sequence":41,"type":"renovation_vote.ballot_cast.v1","version":3}""");
    }

    [Theory]
    [InlineData("""{"role":"resident","channel":"WeChatMiniProgram","institution":"bank-4"}""")]
    [InlineData("""{"role":"resident","channel":"WeChatMiniProgram"}""")]
    [InlineData("""{"role":"resident","channel":"WeChatMiniProgram","institution":"bank-3","added-later":"x"}""")]
    public void a_changed_missing_or_added_header_changes_the_v3_link(string otherHeaders)
    {
        var appended = Ballot with { Headers = """{"role":"resident","channel":"WeChatMiniProgram","institution":"bank-3"}""", Sequence = 41 };

        ChainHashing.Link(ChainHashing.Genesis, appended).ShouldNotBe(ChainHashing.Link(ChainHashing.Genesis, appended with { Headers = otherHeaders }));
    }

    [Fact]
    public void a_changed_sequence_changes_the_v3_link()
    {
        var appended = Ballot with { Headers = """{"role":"resident"}""", Sequence = 41 };

        ChainHashing.Link(ChainHashing.Genesis, appended).ShouldNotBe(ChainHashing.Link(ChainHashing.Genesis, appended with { Sequence = 42 }));
    }

    [Fact]
    public void headers_in_any_member_order_give_the_same_v3_link()
    {
        var appended = Ballot with { Headers = """{"role":"resident","channel":"Web"}""", Sequence = 41 };

        ChainHashing.Link(ChainHashing.Genesis, appended)
            .ShouldBe(ChainHashing.Link(ChainHashing.Genesis, appended with { Headers = """{ "channel" : "Web", "role" : "resident" }""" }));
    }

    public static TheoryData<string, string?> Samples => new()
    {
        { """{"voterId":"O1","choice":"Yes"}""", null },
        { """{"b":[1,2.50,{"z":null,"a":"\u00e9t\u00e9 \"quoted\" back\\slash"}],"a":1e3,"c":-0.0,"d":"\u0007bell","e":{}}""", """{"role":"clerk"}""" },
        { """{"name":"赵 丽","amount":1280000.00,"nested":{"list":[{"k":"v"},[],true,false]}}""", """{"digests":{"case":{"VoteTally":"ab:cd"},"documents":{}},"on-behalf-of":"居民 7"}""" },
    };

    [Theory]
    [MemberData(nameof(Samples))]
    public void the_link_written_as_bytes_is_the_link_of_the_documented_canonical_text(string data, string? headers)
    {
        var e = Ballot with { DataJson = data, Headers = headers, Sequence = 123456789012, Role = "clerk", OnBehalfOf = "x" };
        var documented = ChainHashing.Sha256("0123abcd\n" + ChainHashing.Canonical(e));

        ChainHashing.Link("0123abcd", e).ShouldBe(documented);
    }

    [Theory]
    [MemberData(nameof(Samples))]
    public void the_three_hashes_made_at_once_are_each_the_hash_made_alone(string data, string? headers)
    {
        var e = Ballot with { DataJson = data, Headers = headers, Sequence = 42, Actor = "柳 \"A\"\u0001", CorrelationId = null };

        var (link, dataHash, metadataHash) = ChainHashing.Hashes("0123abcd", e);

        link.ShouldBe(ChainHashing.Sha256("0123abcd\n" + ChainHashing.Canonical(e)));
        dataHash.ShouldBe(ChainHashing.DataHash(e));
        metadataHash.ShouldBe(ChainHashing.MetadataHash(e));
    }
}
