using CaseLedger.Audit;

namespace CaseLedger.Tests.Audit;

// The bytes a chain link hashes, as docs/tamper-evidence.md lays them out: who acted, in which role,
// vouched for by which issuer, are chained with what they did (format v2); events recorded before
// roles were kept keep their v1 form, so their links still verify.
public sealed class when_an_event_is_put_in_canonical_form
{
    private static readonly ChainedEvent Ballot = new(Guid.Parse("0190c9a0-0000-7000-8000-000000000001"), "yuelu", 3, "renovation_vote.ballot_cast.v1",
        new DateTimeOffset(2025, 3, 3, 1, 2, 3, 456, 789, TimeSpan.Zero), "O1", null, "WeChatMiniProgram", null, "corr-1", null,
        """{"voterId":"O1","choice":"Yes"}""");

    [Fact]
    public void an_event_without_a_role_keeps_the_v1_form()
    {
        ChainHashing.Canonical(Ballot).ShouldBe(
            """{"case":"0190c9a0-0000-7000-8000-000000000001","data":{"choice":"Yes","voterId":"O1"},"district":"yuelu","format":"caseledger-chain-v1","metadata":{"actor":"O1","causationId":null,"channel":"WeChatMiniProgram","correlationId":"corr-1","onBehalfOf":null,"rule":null,"time":"2025-03-03T01:02:03.456789Z"},"type":"renovation_vote.ballot_cast.v1","version":3}""");
    }

    [Fact]
    public void an_event_with_a_role_chains_the_role_and_the_issuer_in_the_v2_form()
    {
        var signedIn = Ballot with { Role = "resident", Issuer = "caseledger-local" };

        ChainHashing.Canonical(signedIn).ShouldBe(
            """{"case":"0190c9a0-0000-7000-8000-000000000001","data":{"choice":"Yes","voterId":"O1"},"district":"yuelu","format":"caseledger-chain-v2","metadata":{"actor":"O1","causationId":null,"channel":"WeChatMiniProgram","correlationId":"corr-1","issuer":"caseledger-local","onBehalfOf":null,"role":"resident","rule":null,"time":"2025-03-03T01:02:03.456789Z"},"type":"renovation_vote.ballot_cast.v1","version":3}""");
        ChainHashing.Link(ChainHashing.Genesis, signedIn).ShouldNotBe(ChainHashing.Link(ChainHashing.Genesis, signedIn with { Role = "clerk" }));
        ChainHashing.Link(ChainHashing.Genesis, signedIn).ShouldNotBe(ChainHashing.Link(ChainHashing.Genesis, signedIn with { Issuer = "someone-else" }));
    }
}
