using System.Globalization;

namespace CaseLedger.Audit;

/// <summary>What checking a copy of one district's witness folder found.</summary>
/// <param name="Files">The seal files read.</param>
/// <param name="Valid">No problem found.</param>
/// <param name="Problems">Evidence: missing, altered, renamed, duplicated or forged seals, or a broken chain of seals.</param>
/// <param name="Notes">What is worth knowing but is not evidence (a seal checked by its signature alone).</param>
/// <param name="Latest">The newest seal the copy holds.</param>
public sealed record WitnessCopyCheck(int Files, bool Valid, IReadOnlyList<string> Problems, IReadOnlyList<string> Notes, SealStatement? Latest);

/// <summary>
/// Checks a copy of one district's witness folder with no database, as an auditor would: every
/// file's name says the seal it holds (<c>{number}.json</c>), the seals are numbered 1 to the newest
/// without a gap, no seal is there twice, and every seal is signed by a trusted key and extends the
/// one before it (<see cref="SealFiles.CheckChain"/>).
/// </summary>
public static class WitnessCopyChecks
{
    /// <summary>Checks the <c>*.json</c> files of <paramref name="folder"/> (other files are not seals, and not looked at).</summary>
    public static WitnessCopyCheck CheckFolder(string folder, IReadOnlyCollection<SealKey> trusted)
    {
        ArgumentNullException.ThrowIfNull(folder);
        ArgumentNullException.ThrowIfNull(trusted);
        var problems = new List<string>();
        var notes = new List<string>();
        var seals = new List<(string Name, SealFile Seal)>();
        var files = Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal).ToList();
        foreach (var file in files)
        {
            var name = Path.GetFileName(file);
            var (seal, unreadable) = SealWitnessFolder.Read(file);
            if (seal is null)
            {
                problems.Add($"{name} cannot be read as a seal file: {unreadable}");
                continue;
            }

            var number = seal.Statement.Number;
            if (SealWitnessFolder.NumberOf(name) is not { } named)
            {
                problems.Add($"{name} holds seal {N(number)} under a name that is not a seal file's ({SealWitnessFolder.FileName(number)}): it was renamed or copied");
            }
            else if (named != number)
            {
                problems.Add($"{name} holds seal {N(number)}, not seal {N(named)}: seal files were renamed or put out of sequence");
            }

            seals.Add((name, seal));
        }

        var distinct = new List<SealFile>();
        foreach (var same in seals.GroupBy(s => s.Seal.Statement.Number).OrderBy(g => g.Key))
        {
            var copies = same.ToList();
            var first = copies[0].Seal;
            var names = string.Join(", ", copies.Select(c => c.Name));
            if (copies.Any(c => c.Seal.Statement != first.Statement || c.Seal.Signature != first.Signature))
            {
                problems.Add($"{names} are different seals numbered {N(same.Key)}: at most one of them is the seal that was published");
            }
            else if (copies.Count > 1)
            {
                problems.Add($"seal {N(same.Key)} is in the folder more than once ({names})");
            }

            distinct.Add(first);
        }

        if (distinct.Count > 0)
        {
            var numbers = distinct.Select(s => s.Statement.Number).ToList();
            var newest = numbers.Max();
            var missing = Missing(numbers);
            if (missing.Count > 0)
            {
                problems.Add($"{Describe(missing)} missing from the folder, which holds seals up to {N(newest)}: the files were deleted, or the copy is incomplete");
            }
        }

        var chain = SealFiles.CheckChain(distinct, trusted);
        problems.AddRange(chain.Problems);
        notes.AddRange(chain.Gaps);
        return new WitnessCopyCheck(files.Count, problems.Count == 0, problems, notes, chain.Latest);
    }

    /// <summary>The seal numbers from 1 to the newest that are not in <paramref name="present"/>, as ranges (a forged number may be huge: no counting up to it).</summary>
    private static List<(long From, long To)> Missing(IEnumerable<long> present)
    {
        var ranges = new List<(long From, long To)>();
        var next = 1L;
        foreach (var number in present.Order())
        {
            if (number > next)
            {
                ranges.Add((next, number - 1));
            }

            next = number + 1;
        }

        return ranges;
    }

    private static string Describe(IReadOnlyList<(long From, long To)> missing)
    {
        var parts = missing.Select(r => r.From == r.To ? SealWitnessFolder.FileName(r.From) : $"{SealWitnessFolder.FileName(r.From)} to {SealWitnessFolder.FileName(r.To)}");
        var count = missing.Sum(r => r.To - r.From + 1);
        return count == 1 ? $"seal file {string.Join(", ", parts)} is" : $"seal files {string.Join(", ", parts)} are";
    }

    private static string N(long number) => number.ToString(CultureInfo.InvariantCulture);
}
