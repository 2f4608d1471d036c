using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Hosting;
using CaseLedger.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Wolverine;

namespace CaseLedger.IntegrationTests.Identity;

// An application that references the library sends commands as Wolverine messages: the acting
// context travels in the message's headers, and a message that does not carry all of it (who,
// through which channel, in which role) is refused rather than given a default.
[Collection(LedgerCollection.Name)]
public sealed class when_a_command_arrives_as_a_message(Ledger ledger)
{
    private readonly string _district = ledger.NewDistrict("bus");

    private async Task<CommandOutcome> SendAsync(object message, DeliveryOptions options)
    {
        ledger.Clock.Set(Votes.Start);
        using var scope = ledger.Host.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<IMessageBus>().InvokeAsync<CommandOutcome>(message, options);
    }

    [Fact]
    public async Task a_message_with_its_acting_context_is_decided_and_recorded_with_it()
    {
        var outcome = await SendAsync(new CaseCommand<OpenVote>(Guid.NewGuid(), Votes.Open(Votes.Start)),
            new Acting("clerk-bus-1", Channel.ServiceWindow, Role.Clerk) { Issuer = "back-office" }.ToDeliveryOptions(_district));

        outcome.IsAccepted.ShouldBeTrue();
        await using var session = ledger.Store.QuerySession(_district);
        var opened = (await session.Events.FetchStreamAsync(outcome.CaseId)).Single();
        (opened.UserName, EventMetadata.Header(opened, CaseHeaders.Role), EventMetadata.Header(opened, CaseHeaders.Issuer))
            .ShouldBe(("clerk-bus-1", "clerk", "back-office"));
    }

    [Fact]
    public async Task a_message_without_a_role_is_refused_and_appends_nothing()
    {
        var options = new DeliveryOptions { TenantId = _district };
        options.Headers[CaseHeaders.Actor] = "clerk-bus-1";
        options.Headers[CaseHeaders.Channel] = nameof(Channel.ServiceWindow);
        var id = Guid.NewGuid();

        var outcome = await SendAsync(new CaseCommand<OpenVote>(id, Votes.Open(Votes.Start)), options);

        outcome.Rejection!.Code.ShouldBe("acting.incomplete");
        await using var session = ledger.Store.QuerySession(_district);
        (await session.Events.FetchStreamStateAsync(id)).ShouldBeNull();
    }

    [Fact]
    public async Task a_message_in_a_role_the_command_does_not_allow_is_refused()
    {
        var outcome = await SendAsync(new CaseCommand<OpenVote>(Guid.NewGuid(), Votes.Open(Votes.Start)),
            new Acting("auditor-bus-1", Channel.ServiceWindow, Role.Auditor).ToDeliveryOptions(_district));

        outcome.Rejection!.Code.ShouldBe("auth.role_not_allowed");
    }
}
