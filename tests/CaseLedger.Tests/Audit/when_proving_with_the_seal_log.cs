using System.Security.Cryptography;
using System.Text;
using CaseLedger.Audit;

namespace CaseLedger.Tests.Audit;

// The seal log is RFC 6962's Merkle tree. These tests hold it to the RFC's recursive definition,
// written out here independently, for every size up to 33 (odd sizes, powers of two and their
// neighbours), and show that proofs fail as soon as anything they cover is changed.
public class when_proving_with_the_seal_log
{
    private const int Largest = 33;

    private static byte[] LeafOf(int i) => MerkleLog.LeafHash("tests", new Guid(i, 0, 0, new byte[8]), i + 1, new string((char)('a' + i % 6), 64));

    private static List<byte[]> Leaves(int n) => Enumerable.Range(0, n).Select(LeafOf).ToList();

    /// <summary>MTH as RFC 6962 section 2.1 defines it, straight from the text.</summary>
    private static byte[] Reference(List<byte[]> d)
    {
        if (d.Count == 0)
        {
            return SHA256.HashData([]);
        }

        if (d.Count == 1)
        {
            return d[0];
        }

        var k = 1;
        while (k * 2 < d.Count)
        {
            k *= 2;
        }

        return SHA256.HashData([0x01, .. Reference(d.Take(k).ToList()), .. Reference(d.Skip(k).ToList())]);
    }

    private static MerkleLog.CompleteSubtree From(List<byte[]> leaves) =>
        (level, index) => Reference(leaves.Skip((int)(index << level)).Take(1 << level).ToList());

    private static byte[] Flip(byte[] hash)
    {
        var copy = (byte[])hash.Clone();
        copy[0] ^= 1;
        return copy;
    }

    [Fact]
    public void a_leaf_is_the_hash_of_a_zero_byte_and_its_link_and_a_node_of_a_one_byte_and_its_children()
    {
        var link = new string('f', 64);
        var caseId = Guid.Parse("0190c9a0-0000-7000-8000-000000000001");

        var leaf = MerkleLog.LeafHash("yuelu", caseId, 7, link);
        var node = MerkleLog.NodeHash(leaf, leaf);

        leaf.ShouldBe(SHA256.HashData([0x00, .. Encoding.UTF8.GetBytes($"caseledger-seal-leaf-v2\nyuelu\n{caseId:D}\n7\n{link}")]));
        node.ShouldBe(SHA256.HashData([0x01, .. leaf, .. leaf]));
        MerkleLog.EmptyRoot().ShouldBe(SHA256.HashData([]));
    }

    [Fact]
    public void the_root_follows_the_rfc_definition_at_every_size()
    {
        for (var n = 0; n <= Largest; n++)
        {
            MerkleLog.Root(Leaves(n)).ShouldBe(Reference(Leaves(n)), $"size {n}");
        }
    }

    [Fact]
    public void every_leaf_of_every_size_is_proved_included_and_nowhere_else()
    {
        for (var n = 1; n <= Largest; n++)
        {
            var leaves = Leaves(n);
            var root = Reference(leaves);
            for (var i = 0; i < n; i++)
            {
                var proof = MerkleLog.InclusionProof(i, n, From(leaves));

                MerkleLog.VerifyInclusion(i, n, leaves[i], proof, root).ShouldBeTrue($"leaf {i} of {n}");
                MerkleLog.VerifyInclusion(i, n, Flip(leaves[i]), proof, root).ShouldBeFalse($"changed leaf {i} of {n}");
                MerkleLog.VerifyInclusion(i, n, leaves[i], proof, Flip(root)).ShouldBeFalse($"leaf {i} of {n} under another root");
                if (n > 1)
                {
                    MerkleLog.VerifyInclusion((i + 1) % n, n, leaves[i], proof, root).ShouldBeFalse($"leaf {i} of {n} claimed at another index");
                    MerkleLog.VerifyInclusion(i, n, leaves[i], [.. proof.Select((p, j) => j == 0 ? Flip(p) : p)], root)
                        .ShouldBeFalse($"leaf {i} of {n} with a changed sibling");
                }
            }
        }
    }

    [Fact]
    public void a_proof_for_one_size_does_not_pass_for_another()
    {
        var leaves = Leaves(Largest);
        var proof = MerkleLog.InclusionProof(12, 21, From(leaves));

        MerkleLog.VerifyInclusion(12, 21, leaves[12], proof, Reference(leaves.Take(21).ToList())).ShouldBeTrue();
        MerkleLog.VerifyInclusion(12, 22, leaves[12], proof, Reference(leaves.Take(22).ToList())).ShouldBeFalse();
        MerkleLog.VerifyInclusion(21, 21, leaves[12], proof, Reference(leaves.Take(21).ToList())).ShouldBeFalse();
    }

    [Fact]
    public void every_older_size_is_proved_a_prefix_of_every_newer_one()
    {
        var leaves = Leaves(Largest);
        for (var n = 1; n <= Largest; n++)
        {
            var newRoot = Reference(leaves.Take(n).ToList());
            for (var m = 0; m <= n; m++)
            {
                var oldRoot = Reference(leaves.Take(m).ToList());
                var proof = MerkleLog.ConsistencyProof(m, n, From(leaves.Take(n).ToList()));

                MerkleLog.VerifyConsistency(m, n, oldRoot, newRoot, proof).ShouldBeTrue($"{m} -> {n}");
                if (m > 0 && m < n)
                {
                    MerkleLog.VerifyConsistency(m, n, Flip(oldRoot), newRoot, proof).ShouldBeFalse($"{m} -> {n}, another old root");
                    MerkleLog.VerifyConsistency(m, n, oldRoot, Flip(newRoot), proof).ShouldBeFalse($"{m} -> {n}, another new root");
                    MerkleLog.VerifyConsistency(m, n, oldRoot, newRoot, [.. proof.Select((p, j) => j == proof.Count - 1 ? Flip(p) : p)])
                        .ShouldBeFalse($"{m} -> {n}, a changed proof");
                    MerkleLog.VerifyConsistency(m, n, oldRoot, newRoot, [.. proof.SkipLast(1)]).ShouldBeFalse($"{m} -> {n}, a shortened proof");
                }
            }
        }
    }

    [Fact]
    public void a_rewritten_or_truncated_history_is_not_consistent_with_the_seal_before_it()
    {
        var leaves = Leaves(20);
        var sealedRoot = Reference(leaves.Take(13).ToList());
        var rewritten = leaves.Select((l, i) => i == 12 ? Flip(l) : l).ToList();
        var truncated = leaves.Take(12).Concat(leaves.Skip(13)).ToList();

        foreach (var history in new[] { rewritten, truncated })
        {
            var proof = MerkleLog.ConsistencyProof(13, history.Count, From(history));
            MerkleLog.VerifyConsistency(13, history.Count, sealedRoot, Reference(history), proof).ShouldBeFalse();
        }

        // A log may never shrink below a seal an auditor holds.
        MerkleLog.VerifyConsistency(13, 12, sealedRoot, Reference(leaves.Take(12).ToList()), []).ShouldBeFalse();
    }

    [Fact]
    public void a_log_continued_from_its_frontier_has_the_same_root_and_completes_the_same_subtrees()
    {
        var leaves = Leaves(Largest);
        for (var m = 0; m <= Largest; m++)
        {
            var frontier = new MerkleFrontier(m, MerkleLog.Frontier(m).Select(f => From(leaves)(f.Level, f.Index)));
            var completed = new List<(int, long, byte[])>();
            foreach (var leaf in leaves.Skip(m))
            {
                frontier.Append(leaf, (level, index, hash) => completed.Add((level, index, hash)));
            }

            frontier.Root().ShouldBe(Reference(leaves), $"continued from {m}");
            completed.ShouldAllBe(c => c.Item3.SequenceEqual(From(leaves)(c.Item1, c.Item2)));
        }
    }

    [Fact]
    public async Task a_proof_reads_only_the_subtrees_it_needs_and_says_when_one_is_missing()
    {
        var leaves = Leaves(Largest);
        var fetched = new List<(int Level, long Index)>();

        var proof = await MerkleLog.WithSubtreesAsync(nodes => MerkleLog.ConsistencyProof(11, Largest, nodes), wanted =>
        {
            fetched.AddRange(wanted);
            return Task.FromResult<IReadOnlyDictionary<(int Level, long Index), byte[]>>(wanted.ToDictionary(w => w, w => From(leaves)(w.Level, w.Index)));
        });

        MerkleLog.VerifyConsistency(11, Largest, Reference(leaves.Take(11).ToList()), Reference(leaves), proof).ShouldBeTrue();
        fetched.Count.ShouldBeLessThan(12);
        await Should.ThrowAsync<MerkleNodeMissingException>(() => MerkleLog.WithSubtreesAsync(nodes => MerkleLog.InclusionProof(3, 9, nodes),
            _ => Task.FromResult<IReadOnlyDictionary<(int Level, long Index), byte[]>>(new Dictionary<(int, long), byte[]>())));
    }

    [Fact]
    public void hashes_are_read_only_as_sixty_four_lower_case_hex_digits()
    {
        var hash = LeafOf(1);

        MerkleLog.FromHex(MerkleLog.Hex(hash)).ShouldBe(hash);
        MerkleLog.FromHex(MerkleLog.Hex(hash).ToUpperInvariant()).ShouldBeNull();
        MerkleLog.FromHex(MerkleLog.Hex(hash)[..62]).ShouldBeNull();
        MerkleLog.FromHex(null).ShouldBeNull();
    }
}
