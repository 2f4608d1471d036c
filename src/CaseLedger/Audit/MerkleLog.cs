using System.Globalization;
using System.Numerics;
using System.Security.Cryptography;
using System.Text;

namespace CaseLedger.Audit;

/// <summary>
/// The append-only Merkle log a district's seals commit to, hashed as RFC 6962 (Certificate
/// Transparency) and RFC 9162 define it: a leaf is SHA-256(0x00 || data), an inner node
/// SHA-256(0x01 || left || right), the tree over n leaves splits at the largest power of two below n,
/// and the empty tree's root is SHA-256 of nothing. Because leaves are only ever appended, a tree of
/// size m is a prefix of every later tree, and a consistency proof shows that with a few hashes; an
/// inclusion proof shows that one leaf is in a tree. The leaves are chain links, in the order they
/// were sealed (layout in docs/tamper-evidence.md).
/// </summary>
public static class MerkleLog
{
    /// <summary>The leaf data's first line: what the leaf is, and its layout's version.</summary>
    public const string LeafPrefix = "caseledger-seal-leaf-v2";

    public const int HashSize = 32;

    /// <summary>The root of a tree with no leaves.</summary>
    public static byte[] EmptyRoot() => SHA256.HashData([]);

    /// <summary>The leaf for one chain link: the link of <paramref name="caseId"/> at <paramref name="version"/>.</summary>
    public static byte[] LeafHash(string district, Guid caseId, long version, string link)
    {
        ArgumentNullException.ThrowIfNull(district);
        ArgumentNullException.ThrowIfNull(link);
        var text = string.Create(CultureInfo.InvariantCulture, $"{LeafPrefix}\n{district}\n{caseId:D}\n{version}\n{link}");
        var data = new byte[1 + Encoding.UTF8.GetByteCount(text)];
        data[0] = 0x00;
        Encoding.UTF8.GetBytes(text, data.AsSpan(1));
        return SHA256.HashData(data);
    }

    public static byte[] NodeHash(ReadOnlySpan<byte> left, ReadOnlySpan<byte> right)
    {
        Span<byte> data = stackalloc byte[1 + HashSize + HashSize];
        data[0] = 0x01;
        left.CopyTo(data[1..]);
        right.CopyTo(data[(1 + HashSize)..]);
        return SHA256.HashData(data);
    }

    /// <summary>The root of the tree over <paramref name="leaves"/> (leaf hashes, in order).</summary>
    public static byte[] Root(IReadOnlyList<byte[]> leaves)
    {
        ArgumentNullException.ThrowIfNull(leaves);
        var frontier = new MerkleFrontier();
        foreach (var leaf in leaves)
        {
            frontier.Append(leaf);
        }

        return frontier.Root();
    }

    /// <summary>
    /// The hash of a complete subtree: <paramref name="level"/> 0 is a leaf, level k covers the 2^k
    /// leaves from <c>index * 2^k</c>. Every hash a proof needs is made from these, so a log need only
    /// keep them.
    /// </summary>
    public delegate byte[] CompleteSubtree(int level, long index);

    /// <summary>
    /// The inclusion proof (audit path) of leaf <paramref name="index"/> in the tree of
    /// <paramref name="size"/> leaves, from the leaf's sibling up to the root's children (RFC 6962 PATH).
    /// </summary>
    public static IReadOnlyList<byte[]> InclusionProof(long index, long size, CompleteSubtree nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, size);
        var path = new List<byte[]>();
        // Walk down from the whole tree to the leaf, noting each sibling; the proof lists them leaf first.
        long start = 0, end = size;
        while (end - start > 1)
        {
            var k = LargestPowerOfTwoBelow(end - start);
            if (index < start + k)
            {
                path.Add(Range(start + k, end, nodes));
                end = start + k;
            }
            else
            {
                path.Add(Range(start, start + k, nodes));
                start += k;
            }
        }

        path.Reverse();
        return path;
    }

    /// <summary>
    /// The consistency proof that the tree of <paramref name="oldSize"/> leaves is a prefix of the
    /// tree of <paramref name="newSize"/> leaves (RFC 6962 PROOF(m, D[n])). Empty when either tree is
    /// empty or they are the same size.
    /// </summary>
    public static IReadOnlyList<byte[]> ConsistencyProof(long oldSize, long newSize, CompleteSubtree nodes)
    {
        ArgumentNullException.ThrowIfNull(nodes);
        ArgumentOutOfRangeException.ThrowIfNegative(oldSize);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(oldSize, newSize);
        var proof = new List<byte[]>();
        if (oldSize == 0 || oldSize == newSize)
        {
            return proof;
        }

        // SUBPROOF(m, D[start:end], b), unrolled: each step adds one hash, which the verifier consumes
        // last first, so the list is reversed at the end.
        long m = oldSize, start = 0, end = newSize;
        var whole = true;
        while (m != end - start)
        {
            var k = LargestPowerOfTwoBelow(end - start);
            if (m <= k)
            {
                proof.Add(Range(start + k, end, nodes));
                end = start + k;
            }
            else
            {
                proof.Add(Range(start, start + k, nodes));
                start += k;
                m -= k;
                whole = false;
            }
        }

        if (!whole)
        {
            proof.Add(Range(start, end, nodes));
        }

        proof.Reverse();
        return proof;
    }

    /// <summary>Whether <paramref name="proof"/> shows that <paramref name="leaf"/> is leaf <paramref name="index"/> of the tree with <paramref name="root"/> (RFC 9162 2.1.3.2).</summary>
    public static bool VerifyInclusion(long index, long size, ReadOnlySpan<byte> leaf, IReadOnlyList<byte[]> proof, ReadOnlySpan<byte> root)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (index < 0 || index >= size || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        long fn = index, sn = size - 1;
        var r = leaf.ToArray();
        foreach (var p in proof)
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                r = NodeHash(p, r);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                r = NodeHash(r, p);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return sn == 0 && r.AsSpan().SequenceEqual(root);
    }

    /// <summary>
    /// Whether <paramref name="proof"/> shows that the tree of <paramref name="oldSize"/> leaves with
    /// <paramref name="oldRoot"/> is a prefix of the tree of <paramref name="newSize"/> leaves with
    /// <paramref name="newRoot"/> (RFC 9162 2.1.4.2; an empty old tree is a prefix of every tree).
    /// </summary>
    public static bool VerifyConsistency(long oldSize, long newSize, ReadOnlySpan<byte> oldRoot, ReadOnlySpan<byte> newRoot, IReadOnlyList<byte[]> proof)
    {
        ArgumentNullException.ThrowIfNull(proof);
        if (oldSize < 0 || oldSize > newSize || proof.Any(p => p.Length != HashSize))
        {
            return false;
        }

        if (oldSize == 0)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(EmptyRoot());
        }

        if (oldSize == newSize)
        {
            return proof.Count == 0 && oldRoot.SequenceEqual(newRoot);
        }

        if (proof.Count == 0)
        {
            return false;
        }

        var path = new List<byte[]>(proof.Count + 1);
        if (BitOperations.IsPow2(oldSize))
        {
            path.Add(oldRoot.ToArray());
        }

        path.AddRange(proof);
        long fn = oldSize - 1, sn = newSize - 1;
        while ((fn & 1) == 1)
        {
            fn >>= 1;
            sn >>= 1;
        }

        byte[] fr = path[0], sr = path[0];
        foreach (var c in path.Skip(1))
        {
            if (sn == 0)
            {
                return false;
            }

            if ((fn & 1) == 1 || fn == sn)
            {
                fr = NodeHash(c, fr);
                sr = NodeHash(c, sr);
                if ((fn & 1) == 0)
                {
                    while ((fn & 1) == 0 && fn != 0)
                    {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            }
            else
            {
                sr = NodeHash(sr, c);
            }

            fn >>= 1;
            sn >>= 1;
        }

        return fr.AsSpan().SequenceEqual(oldRoot) && sr.AsSpan().SequenceEqual(newRoot) && sn == 0;
    }

    /// <summary>
    /// The complete subtrees that make up a tree of <paramref name="size"/> leaves, largest first: one
    /// per bit set in the size. Appending to a log needs only these.
    /// </summary>
    public static IReadOnlyList<(int Level, long Index)> Frontier(long size)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(size);
        var frontier = new List<(int, long)>();
        long start = 0;
        for (var level = 62; level >= 0; level--)
        {
            var width = 1L << level;
            if ((size & width) != 0)
            {
                frontier.Add((level, start >> level));
                start += width;
            }
        }

        return frontier;
    }

    /// <summary>
    /// Runs <paramref name="compute"/> once to learn which complete subtrees it reads (none of the
    /// proofs' shapes depend on hash values), fetches those in one go, then runs it on them.
    /// </summary>
    public static async Task<T> WithSubtreesAsync<T>(Func<CompleteSubtree, T> compute,
        Func<IReadOnlyCollection<(int Level, long Index)>, Task<IReadOnlyDictionary<(int Level, long Index), byte[]>>> fetch)
    {
        ArgumentNullException.ThrowIfNull(compute);
        ArgumentNullException.ThrowIfNull(fetch);
        var wanted = new HashSet<(int, long)>();
        var placeholder = new byte[HashSize];
        compute((level, index) =>
        {
            wanted.Add((level, index));
            return placeholder;
        });
        var found = await fetch(wanted);
        return compute((level, index) => found.TryGetValue((level, index), out var hash)
            ? hash
            : throw new MerkleNodeMissingException(level, index));
    }

    public static string Hex(byte[] hash) => Convert.ToHexStringLower(hash);

    /// <summary>A hash written as 64 lower-case hex digits; null when the text is not one.</summary>
    public static byte[]? FromHex(string? hex) =>
        hex is { Length: HashSize * 2 } && hex.All(c => c is (>= '0' and <= '9') or (>= 'a' and <= 'f')) ? Convert.FromHexString(hex) : null;

    /// <summary>The hash of leaves [start, end): a complete subtree, or the RFC 6962 split of a partial one.</summary>
    private static byte[] Range(long start, long end, CompleteSubtree nodes)
    {
        var width = end - start;
        if (BitOperations.IsPow2(width) && start % width == 0)
        {
            return nodes(BitOperations.Log2((ulong)width), start / width);
        }

        var k = LargestPowerOfTwoBelow(width);
        return NodeHash(Range(start, start + k, nodes), Range(start + k, end, nodes));
    }

    /// <summary>The largest power of two strictly less than <paramref name="n"/> (n &gt; 1).</summary>
    private static long LargestPowerOfTwoBelow(long n) => 1L << BitOperations.Log2((ulong)(n - 1));
}

/// <summary>
/// A log's right edge: the roots of its complete subtrees, enough to append leaves and to give the
/// root at the current size without keeping the leaves.
/// </summary>
public sealed class MerkleFrontier
{
    private readonly List<(int Level, long Index, byte[] Hash)> _stack = [];

    public MerkleFrontier()
    {
    }

    /// <summary>Continues a log of <paramref name="size"/> leaves from its frontier (<see cref="MerkleLog.Frontier"/>'s subtrees, largest first).</summary>
    public MerkleFrontier(long size, IEnumerable<byte[]> frontier)
    {
        ArgumentNullException.ThrowIfNull(frontier);
        var hashes = frontier.ToList();
        var shape = MerkleLog.Frontier(size);
        if (hashes.Count != shape.Count)
        {
            throw new ArgumentException($"A log of {size} leaves has {shape.Count} frontier subtrees, not {hashes.Count}.", nameof(frontier));
        }

        for (var i = 0; i < shape.Count; i++)
        {
            _stack.Add((shape[i].Level, shape[i].Index, hashes[i]));
        }

        Size = size;
    }

    public long Size { get; private set; }

    /// <summary>
    /// Appends one leaf; <paramref name="completed"/> hears of every inner subtree the leaf completes
    /// (level, index, hash), which a stored log keeps for later proofs.
    /// </summary>
    public void Append(byte[] leaf, Action<int, long, byte[]>? completed = null)
    {
        ArgumentNullException.ThrowIfNull(leaf);
        _stack.Add((0, Size, leaf));
        Size++;
        while (_stack.Count >= 2 && _stack[^1].Level == _stack[^2].Level)
        {
            var right = _stack[^1];
            var left = _stack[^2];
            _stack.RemoveRange(_stack.Count - 2, 2);
            var node = (left.Level + 1, left.Index >> 1, MerkleLog.NodeHash(left.Hash, right.Hash));
            _stack.Add(node);
            completed?.Invoke(node.Item1, node.Item2, node.Item3);
        }
    }

    /// <summary>The root at the current size: the frontier folded from the right.</summary>
    public byte[] Root()
    {
        if (_stack.Count == 0)
        {
            return MerkleLog.EmptyRoot();
        }

        var hash = _stack[^1].Hash;
        for (var i = _stack.Count - 2; i >= 0; i--)
        {
            hash = MerkleLog.NodeHash(_stack[i].Hash, hash);
        }

        return hash;
    }

    /// <summary>The complete subtrees of the current size, largest first.</summary>
    public IReadOnlyList<(int Level, long Index, byte[] Hash)> Subtrees => _stack;
}

/// <summary>A subtree a proof needs is not in the stored log: the log was cut or edited.</summary>
public sealed class MerkleNodeMissingException(int level, long index)
    : Exception($"The seal log has no subtree at level {level}, index {index}: it was cut or edited.")
{
    public int Level { get; } = level;

    public long Index { get; } = index;
}
