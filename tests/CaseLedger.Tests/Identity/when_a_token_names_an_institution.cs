using CaseLedger.Core;
using CaseLedger.Http.Identity;

namespace CaseLedger.Tests.Identity;

/// <summary>
/// The one rule both ways of minting a development token follow (the <c>token</c> verb and
/// <c>POST /dev/tokens</c>): a partner's token names exactly one institution, and no other token names one.
/// </summary>
public sealed class when_a_token_names_an_institution
{
    [Fact]
    public void a_partners_token_names_the_institution_asked_for_trimmed()
    {
        TokenKeys.TryInstitution([Role.Partner], "  bank-of-jilin ", out var institution).ShouldBeTrue();

        institution.ShouldBe("bank-of-jilin");
    }

    [Fact]
    public void a_token_without_the_partner_role_names_none()
    {
        TokenKeys.TryInstitution([Role.Clerk, Role.Auditor], null, out var institution).ShouldBeTrue();

        institution.ShouldBeNull();
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void a_partners_token_without_an_institution_is_refused(string? asked) =>
        TokenKeys.TryInstitution([Role.Partner], asked, out _).ShouldBeFalse();

    [Theory]
    [InlineData("bank-of-jilin")]
    [InlineData("  ")]
    public void an_institution_asked_for_without_the_partner_role_is_refused_not_dropped(string asked) =>
        TokenKeys.TryInstitution([Role.Clerk], asked, out _).ShouldBeFalse();
}
