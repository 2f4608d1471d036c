using CaseLedger.Cases.RenovationVotes;
using CaseLedger.Core;
using Marten;
using Microsoft.Extensions.DependencyInjection;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>Cases written through the real command pipeline, for tests that need some history.</summary>
public static class SampleCases
{
    /// <summary>A clerk at the service window: who opens the sample cases.</summary>
    public static readonly Acting Clerk = new("clerk-1", Channel.ServiceWindow, Role.Clerk);

    /// <summary>Runs one command through the host's pipeline; it must be accepted.</summary>
    public static async Task<CommandOutcome> RunAsync(Ledger ledger, string district, Guid caseId, object command, DateTimeOffset at, Acting acting)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var pipeline = ledger.Host.Services.GetRequiredService<CasePipeline>();
        var outcome = await pipeline.ExecuteAsync(new CommandRequest(district, caseId, command, acting) { At = at });
        outcome.IsAccepted.ShouldBeTrue(outcome.Rejection?.ToString());
        return outcome;
    }

    /// <summary>
    /// A vote in <paramref name="district"/> with ballots from O1 (yes), O2 (no, cast by proxy staff for O2) and O3 (yes),
    /// closed and decided: versions 1 to 5.
    /// </summary>
    public static async Task<Guid> DecidedVoteAsync(Ledger ledger, string district)
    {
        var id = Guid.NewGuid();
        await RunAsync(ledger, district, id, Votes.Open(Votes.Start), Votes.Start, new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));
        var ballots = new[]
        {
            ("U1", "O1", BallotChoice.Yes, new Acting("O1", Channel.WeChatMiniProgram, Role.Resident)),
            ("U2", "O2", BallotChoice.No, new Acting("staff-help-7", Channel.Proxy, Role.Proxy, OnBehalfOf: "O2")),
            ("U3", "O3", BallotChoice.Yes, new Acting("O3", Channel.AlipayMiniProgram, Role.Resident)),
        };
        foreach (var (unit, owner, choice, acting) in ballots)
        {
            await RunAsync(ledger, district, id, new CastBallot(unit, owner, choice), Votes.Start.AddHours(1), acting);
        }

        await RunAsync(ledger, district, id, new CloseVote(), Votes.Start.AddDays(8), new Acting("clerk-1", Channel.ServiceWindow, Role.Clerk));
        return id;
    }
}
