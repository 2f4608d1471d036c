using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using CaseLedger.Rules;
using Marten;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>Cases written through the real decisions and <see cref="CaseCommands"/>, for tests that need some history.</summary>
public static class SampleCases
{
    private static readonly RenovationVoteRules Rules = RuleBook.Default().Get<RenovationVoteRules>(RenovationVoteRules.RuleId, "2");

    /// <summary>
    /// A vote in <paramref name="district"/> with ballots from O1 (yes), O2 (no, cast by proxy staff for O2) and O3 (yes),
    /// closed and decided: versions 1 to 5.
    /// </summary>
    public static async Task<Guid> DecidedVoteAsync(IDocumentStore store, string district)
    {
        ArgumentNullException.ThrowIfNull(store);
        var id = Guid.NewGuid();
        await Step(store, district, session => CaseCommands.StartAsync<RenovationVote>(session, id, new Acting("clerk-1", Channel.ServiceWindow),
            () => OpeningAVote.Decide(Votes.Open(id, Votes.Start), Channel.ServiceWindow, Votes.Start, Rules)));
        var ballots = new[]
        {
            ("U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.WeChatMiniProgram)),
            ("U2", "O2", BallotChoice.No, new Acting("staff-help-7", Channel.Proxy, OnBehalfOf: "O2")),
            ("U3", "O3", BallotChoice.Yes, new Acting("O3", Channel.AlipayMiniProgram)),
        };
        foreach (var (unit, owner, choice, acting) in ballots)
        {
            await Step(store, district, session => CaseCommands.ExecuteAsync<RenovationVote>(session, id, null, acting,
                vote => CastingABallot.Decide(new CastBallot(id, unit, owner, choice), vote, Votes.Start.AddHours(1))));
        }

        await Step(store, district, session => CaseCommands.ExecuteAsync<RenovationVote>(session, id, null, new Acting("clerk-1", Channel.ServiceWindow),
            vote => ClosingAVote.Decide(new CloseVote(id), vote, Votes.Start.AddDays(8))));
        return id;
    }

    private static async Task Step(IDocumentStore store, string district, Func<IDocumentSession, Task<CommandOutcome>> step)
    {
        await using var session = store.LightweightSession(district);
        var outcome = await step(session);
        outcome.IsAccepted.ShouldBeTrue(outcome.Rejection?.ToString());
    }
}
