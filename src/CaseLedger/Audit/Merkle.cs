namespace CaseLedger.Audit;

/// <summary>A case's chain head as a district seal covers it.</summary>
public sealed record SealedHead(Guid CaseId, long Version, string Hash);

/// <summary>One step of an inclusion proof: the sibling hash and which side it stands on.</summary>
public sealed record ProofStep(string Sibling, bool SiblingOnLeft);

/// <summary>
/// The Merkle tree a district seal commits to: leaves are the sealed chain heads ordered by case id,
/// so one root covers every case and a single case can be proved with a few sibling hashes.
/// An odd node at the end of a level is carried up unchanged. Layout in docs/tamper-evidence.md.
/// </summary>
public static class Merkle
{
    public static string Leaf(SealedHead head)
    {
        ArgumentNullException.ThrowIfNull(head);
        return ChainHashing.Sha256($"caseledger-seal-leaf-v1\n{head.CaseId:D}\n{head.Version}\n{head.Hash}");
    }

    public static string Node(string left, string right) => ChainHashing.Sha256($"caseledger-seal-node-v1\n{left}\n{right}");

    /// <summary>Heads in the order the tree uses.</summary>
    public static IReadOnlyList<SealedHead> Order(IEnumerable<SealedHead> heads) =>
        heads.OrderBy(h => h.CaseId.ToString("D"), StringComparer.Ordinal).ToList();

    public static string Root(IReadOnlyList<SealedHead> orderedHeads)
    {
        ArgumentNullException.ThrowIfNull(orderedHeads);
        if (orderedHeads.Count == 0)
        {
            return ChainHashing.Sha256("caseledger-seal-empty-v1");
        }

        var level = orderedHeads.Select(Leaf).ToList();
        while (level.Count > 1)
        {
            level = Up(level);
        }

        return level[0];
    }

    /// <summary>The sibling hashes from a case's leaf up to the root.</summary>
    public static IReadOnlyList<ProofStep> Prove(IReadOnlyList<SealedHead> orderedHeads, Guid caseId)
    {
        ArgumentNullException.ThrowIfNull(orderedHeads);
        var index = orderedHeads.ToList().FindIndex(h => h.CaseId == caseId);
        if (index < 0)
        {
            throw new ArgumentException($"Case {caseId} is not covered by this seal.", nameof(caseId));
        }

        var proof = new List<ProofStep>();
        var level = orderedHeads.Select(Leaf).ToList();
        while (level.Count > 1)
        {
            var sibling = index % 2 == 0 ? index + 1 : index - 1;
            if (sibling < level.Count)
            {
                proof.Add(new ProofStep(level[sibling], SiblingOnLeft: sibling < index));
            }

            level = Up(level);
            index /= 2;
        }

        return proof;
    }

    /// <summary>The root a leaf and its proof lead to.</summary>
    public static string RootFromProof(SealedHead head, IEnumerable<ProofStep> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        var hash = Leaf(head);
        foreach (var step in proof)
        {
            hash = step.SiblingOnLeft ? Node(step.Sibling, hash) : Node(hash, step.Sibling);
        }

        return hash;
    }

    private static List<string> Up(List<string> level)
    {
        var next = new List<string>((level.Count + 1) / 2);
        for (var i = 0; i < level.Count; i += 2)
        {
            next.Add(i + 1 < level.Count ? Node(level[i], level[i + 1]) : level[i]);
        }

        return next;
    }
}
