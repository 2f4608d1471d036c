using CaseLedger.Audit;

namespace CaseLedger.Tests.Audit;

/// <summary>Signed seals of a made-up seal log, as a district's sealing would make them, with no database.</summary>
internal static class SampleSeals
{
    /// <summary>Seals 1, 2, ... of <paramref name="district"/>'s log at the given sizes, each with its consistency proof from the one before.</summary>
    public static List<SealFile> Make(SealKey key, string district, params int[] sizes)
    {
        var leaves = Enumerable.Range(0, sizes.Max()).Select(i => MerkleLog.LeafHash(district, Guid.Empty, i + 1, new string('0', 64))).ToList();
        MerkleLog.CompleteSubtree nodes = (level, index) => MerkleLog.Root(leaves.Skip((int)(index << level)).Take(1 << level).ToList());
        var seals = new List<SealFile>();
        for (var i = 0; i < sizes.Length; i++)
        {
            var previous = i == 0 ? null : seals[i - 1].Statement;
            var statement = new SealStatement(SealStatement.CurrentFormat, district, i + 1, "2026-11-22T08:00:00.000000Z", sizes[i],
                MerkleLog.Hex(MerkleLog.Root(leaves.Take(sizes[i]).ToList())), previous?.Reference, sizes[i] - (previous?.TreeSize ?? 0), key.KeyId);
            seals.Add(SealFile.Sign(statement, key, [.. MerkleLog.ConsistencyProof(previous?.TreeSize ?? 0, sizes[i], nodes).Select(MerkleLog.Hex)]));
        }

        return seals;
    }

    /// <summary>The seals as the database records them; <paramref name="waiting"/> are recorded but not yet published.</summary>
    public static List<SealRecord> Records(IEnumerable<SealFile> seals, params long[] waiting) =>
        [.. seals.Select(s => new SealRecord
        {
            Id = SealRecord.IdFor(s.Statement.Number), Number = s.Statement.Number, File = s, AwaitingPublication = waiting.Contains(s.Statement.Number),
        })];
}
