using CaseLedger.Cases.PropertyRegistrations;
using CaseLedger.Core;
using CaseLedger.Hosting;

namespace CaseLedger.Tests.Identity;

/// <summary>
/// The partner role in the command pipeline, without a database: a partner institution's clerk acts
/// only on the step a case names its institution for, names its institution, and is recorded with it.
/// </summary>
public sealed class when_a_partner_acts
{
    private static readonly DateTimeOffset Nine = new(2025, 3, 4, 9, 0, 0, TimeSpan.FromHours(8));
    private static readonly Guid Case = Guid.Parse("0195a000-0000-7000-8000-0000000006bb");
    private static readonly Acting Clerk = new("window-clerk-1", Channel.ServiceWindow, Role.Clerk);

    private static Acting Partner(string? institution) => new("bank-clerk-7", Channel.Partner, Role.Partner) { Institution = institution };

    private static async Task<InMemoryLedger> AppliedAsync()
    {
        var kinds = StandardKinds.Create();
        var ledger = new InMemoryLedger(kinds, kinds.DefaultRules());
        var applied = await ledger.ExecuteAsync(new CommandRequest("yuelu", Case, new ApplyForRegistration("owner-1", "LY-1", RegistrationBusiness.Mortgage,
            [new PartnerPart(RegistrationStep.MortgageRegistration, "bank-of-jilin"), new PartnerPart(RegistrationStep.Notarisation, "liaoyuan-notary")]), Clerk)
            { At = Nine });
        applied.IsAccepted.ShouldBeTrue(applied.Rejection?.Reason);
        return ledger;
    }

    private static Task<CommandOutcome> StepAsync(InMemoryLedger ledger, RegistrationStep step, Acting acting) =>
        ledger.ExecuteAsync(new CommandRequest("yuelu", Case, new CompleteStep(step, "Done"), acting) { At = Nine.AddMinutes(5) });

    [Fact]
    public async Task the_partner_named_for_the_step_does_it_and_is_recorded_with_its_institution()
    {
        var ledger = await AppliedAsync();

        (await StepAsync(ledger, RegistrationStep.MortgageRegistration, Partner("bank-of-jilin"))).IsAccepted.ShouldBeTrue();

        var done = ledger.Events("yuelu", Case)[^1];
        (done.Actor, done.Role, done.Institution, done.Channel).ShouldBe(("bank-clerk-7", "partner", "bank-of-jilin", "Partner"));
    }

    [Fact]
    public async Task a_partner_is_refused_another_partners_step_a_centre_step_and_a_case_naming_another_institution()
    {
        var ledger = await AppliedAsync();

        (await StepAsync(ledger, RegistrationStep.Notarisation, Partner("bank-of-jilin"))).Rejection!.Code.ShouldBe("auth.not_party_to_case");
        (await StepAsync(ledger, RegistrationStep.Fee, Partner("bank-of-jilin"))).Rejection!.Code.ShouldBe("auth.not_party_to_case");
        (await StepAsync(ledger, RegistrationStep.MortgageRegistration, Partner("another-bank"))).Rejection!.Code.ShouldBe("auth.not_party_to_case");
        (await StepAsync(ledger, RegistrationStep.MortgageRegistration, Partner(null))).Rejection!.Code.ShouldBe("acting.institution_missing");
        ledger.Events("yuelu", Case).Count.ShouldBe(2, "nothing refused is appended");
    }

    [Fact]
    public async Task a_partner_opens_no_case()
    {
        var kinds = StandardKinds.Create();
        var ledger = new InMemoryLedger(kinds, kinds.DefaultRules());

        var opened = await ledger.ExecuteAsync(new CommandRequest("yuelu", Case,
            new ApplyForRegistration("owner-1", "LY-1", RegistrationBusiness.Transfer, []), Partner("bank-of-jilin")) { At = Nine });

        opened.Rejection!.Code.ShouldBe("auth.role_not_allowed");
    }

    [Fact]
    public void only_a_partner_named_in_the_case_is_allowed_never_the_partner_role_as_such()
    {
        var commands = StandardKinds.Create().All.SelectMany(k => k.Commands).ToList();

        commands.Where(c => c.AllowedRoles.Contains(Role.Partner)).ShouldAllBe(c => c.AllowsPartners && !c.OpensCase);
        commands.Where(c => c.AllowsPartners).Select(c => c.CommandType).ShouldContain(typeof(CompleteStep));
    }
}
