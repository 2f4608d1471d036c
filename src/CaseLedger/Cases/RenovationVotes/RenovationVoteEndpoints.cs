using CaseLedger.Http;
using Marten;
using Microsoft.AspNetCore.Http;
using Wolverine;
using Wolverine.Http;

namespace CaseLedger.Cases.RenovationVotes;

/// <summary>The renovation vote over HTTP. Every route is scoped to one district.</summary>
public static class RenovationVoteEndpoints
{
    public sealed record OpenVoteRequest(
        string CompoundId,
        string CompoundName,
        Proposal Proposal,
        IReadOnlyList<RollEntry> Roll,
        DateTimeOffset OpensAt,
        DateTimeOffset ClosesAt);

    public sealed record BallotRequest(string UnitId, string VoterId, BallotChoice Choice);

    public sealed record WithdrawalRequest(string UnitId, string VoterId);

    public sealed record CommitteeDecisionRequest(bool Approved, string Note);

    private const string Votes = "/districts/{district}/renovation-votes";

    [WolverinePost(Votes, Name = "OpenRenovationVote")]
    public static Task<IResult> Open(string district, OpenVoteRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        var id = Guid.CreateVersion7();
        var command = new OpenVote(id, request.CompoundId ?? "", request.CompoundName ?? "", request.Proposal!, request.Roll ?? [],
            request.OpensAt, request.ClosesAt);
        return CaseHttp.SendAsync(bus, http, district, command, $"/districts/{district}/renovation-votes/{id}");
    }

    [WolverinePost(Votes + "/{voteId}/ballots", Name = "CastBallot")]
    public static Task<IResult> Cast(string district, Guid voteId, BallotRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district,
            new CastBallot(voteId, request.UnitId ?? "", request.VoterId ?? "", request.Choice, CaseHttp.ExpectedVersion(http)));
    }

    [WolverinePost(Votes + "/{voteId}/ballots/withdrawals", Name = "WithdrawBallot")]
    public static Task<IResult> Withdraw(string district, Guid voteId, WithdrawalRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district,
            new WithdrawBallot(voteId, request.UnitId ?? "", request.VoterId ?? "", CaseHttp.ExpectedVersion(http)));
    }

    [WolverinePost(Votes + "/{voteId}/close", Name = "CloseRenovationVote")]
    public static Task<IResult> Close(string district, Guid voteId, IMessageBus bus, HttpContext http) =>
        CaseHttp.SendAsync(bus, http, district, new CloseVote(voteId, CaseHttp.ExpectedVersion(http)));

    [WolverinePost(Votes + "/{voteId}/committee-decision", Name = "RecordCommitteeDecision")]
    public static Task<IResult> Committee(string district, Guid voteId, CommitteeDecisionRequest request, IMessageBus bus, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(request);
        return CaseHttp.SendAsync(bus, http, district,
            new RecordCommitteeDecision(voteId, request.Approved, request.Note ?? "", CaseHttp.ExpectedVersion(http)));
    }

    [WolverineGet(Votes + "/{voteId}", Name = "GetVoteTally")]
    public static Task<IResult> Tally(string district, Guid voteId, IDocumentStore store, HttpContext http) =>
        CaseHttp.ReadModelAsync<VoteTally>(store, district, voteId, m => m.Version, http);

    [WolverineGet(Votes, Name = "ListVoteTallies")]
    public static async Task<IResult> List(string district, string? compoundId, IDocumentStore store, HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(http);
        if (CaseHttp.CheckDistrict(district) is { } bad)
        {
            return bad;
        }

        await using var session = store.QuerySession(district);
        var query = session.Query<VoteTally>();
        var tallies = string.IsNullOrEmpty(compoundId)
            ? await query.OrderByDescending(t => t.OpenedAt).Take(200).ToListAsync(http.RequestAborted)
            : await query.Where(t => t.CompoundId == compoundId).OrderByDescending(t => t.OpenedAt).Take(200).ToListAsync(http.RequestAborted);
        return Results.Ok(tallies);
    }
}
