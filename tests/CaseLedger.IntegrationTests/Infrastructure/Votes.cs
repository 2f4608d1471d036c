using CaseLedger.Cases.RenovationVotes;

namespace CaseLedger.IntegrationTests.Infrastructure;

/// <summary>Small rolls and proposals for tests that need a vote but not a particular one.</summary>
public static class Votes
{
    public static readonly DateTimeOffset Start = new(2025, 3, 3, 1, 0, 0, TimeSpan.Zero);

    /// <summary>Six owners, one unit each, 100 m² apiece.</summary>
    public static IReadOnlyList<RollEntry> SixUnits() =>
        Enumerable.Range(1, 6).Select(i => new RollEntry($"U{i}", $"O{i}", 100m)).ToList();

    public static OpenVote Open(DateTimeOffset now, decimal amount = 120_000m) =>
        new("compound-1", "Test Compound", new Proposal("Roof waterproofing", amount), SixUnits(), now, now.AddDays(7));
}
