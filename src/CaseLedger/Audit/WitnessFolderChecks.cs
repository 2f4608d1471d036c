using System.Globalization;

namespace CaseLedger.Audit;

/// <summary>
/// Checks the seal files published to the witness folder against the database's seals: the one
/// record of the seals that lies outside the database, so it catches seals removed from or replaced
/// in it. Kept apart from the chains' own verification (<see cref="ChainVerifier"/>), which calls it.
/// </summary>
/// <remarks>
/// Every seal the database holds has its file, <c>{district}/{n}.json</c>, holding that very seal;
/// the folder holds nothing else. Each departure is its own finding, naming the file and the seal:
/// a file missing (deleted, the latest included), altered, holding another seal (renamed, out of
/// sequence), a seal the database lacks (seals removed from it), or a file that is no seal file at
/// all. The one exception is a seal the database records as not yet published
/// (<see cref="SealRecord.AwaitingPublication"/>): its missing file is a note, because publishing it
/// failed and the next seal publishes it; it does not count as published meanwhile.
/// </remarks>
public static class WitnessFolderChecks
{
    /// <summary>
    /// The database's seals of <paramref name="district"/> against those published outside it: what is
    /// evidence goes to <paramref name="problems"/>, what is only worth knowing to <paramref name="notes"/>.
    /// Returns how many of the database's seals are published (their file is there and holds them).
    /// </summary>
    public static int Check(Sealing sealing, string district, IReadOnlyList<SealRecord> seals, ICollection<string> problems, ICollection<string> notes)
    {
        ArgumentNullException.ThrowIfNull(sealing);
        ArgumentNullException.ThrowIfNull(seals);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(notes);
        var witness = sealing.Witness;
        var listing = witness.Entries(district);
        var expected = seals.Where(s => !s.AwaitingPublication).Select(s => s.Number).ToList();
        if (seals.Count == 0 && !listing.FolderExists)
        {
            return 0;
        }

        if (!listing.FolderExists || listing.Unreadable is not null)
        {
            // One finding, not one per seal: nothing in the folder can be checked.
            var why = listing.Unreadable is { } reason ? $"cannot be read ({reason})" : "does not exist";
            (expected.Count > 0 ? problems : notes).Add($"the witness folder {witness.Folder} {why}: " +
                (expected.Count > 0 ? $"none of the {expected.Count} published seal(s) can be checked against it" : "no seal was published to it yet"));
            NoteWaiting(seals, notes);
            return 0;
        }

        var byNumber = seals.GroupBy(s => s.Number).ToDictionary(g => g.Key, g => g.First());
        var latest = seals.Count == 0 ? 0 : seals.Max(s => s.Number);
        var named = new HashSet<long>();
        var published = 0;
        foreach (var entry in listing.Files)
        {
            var at = $"{district}/{entry.Name}";
            if (entry.IsLeftover)
            {
                notes.Add($"{at} was left by a publication that was interrupted: it is not a seal file, and may be deleted");
                continue;
            }

            var (seal, unreadable) = SealWitnessFolder.Read(entry.File);
            if (entry.Number is not { } number)
            {
                problems.Add(seal is null
                    ? $"{at} is not a seal file, and CaseLedger did not put it there (seal files are named {{number}}.json): it was added"
                    : $"{at} holds seal {N(seal.Statement.Number)} under a name that is not a seal file's ({SealWitnessFolder.FileName(seal.Statement.Number)}): " +
                      "seal files were renamed or copied");
                continue;
            }

            named.Add(number);
            if (Finding(sealing, district, at, number, seal, unreadable, byNumber.GetValueOrDefault(number), latest) is { } problem)
            {
                problems.Add(problem);
            }
            else
            {
                published++;
            }
        }

        foreach (var number in expected.Where(n => !named.Contains(n)))
        {
            problems.Add($"seal {N(number)}{(number == latest ? ", the latest," : "")} was published, but its file {SealWitnessFolder.RelativePath(district, number)} " +
                         "is missing from the witness folder: it was deleted");
        }

        NoteWaiting([.. seals.Where(s => !named.Contains(s.Number))], notes);
        return published;
    }

    /// <summary>What is wrong with the file named for seal <paramref name="number"/>; null when it holds the database's seal of that number.</summary>
    private static string? Finding(Sealing sealing, string district, string at, long number, SealFile? seal, string? unreadable, SealRecord? stored, long latest)
    {
        if (seal is null)
        {
            return $"{at} cannot be read as seal {N(number)}: {unreadable}: the file was altered";
        }

        var s = seal.Statement;
        if (s.District != district)
        {
            return $"{at} holds seal {N(s.Number)} of district {s.District}, not of {district}: it was put there";
        }

        if (s.Number != number)
        {
            return $"{at} holds seal {N(s.Number)}, not seal {N(number)}: seal files were renamed or put out of sequence";
        }

        if (stored is null)
        {
            return $"seal {N(number)} was published ({at}) but is missing from the database (its latest seal is {(latest == 0 ? "none" : N(latest))}): " +
                   "seals were removed from it";
        }

        if (s == stored.File.Statement && seal.Signature == stored.File.Signature && seal.Consistency.SequenceEqual(stored.File.Consistency, StringComparer.Ordinal))
        {
            return null;
        }

        if (SealFiles.CheckSignature(seal, sealing.Trusted) is { } forged)
        {
            return $"{at} differs from the database's seal {N(number)} and is not genuine ({forged}): the file was altered";
        }

        return s == stored.File.Statement && seal.Signature == stored.File.Signature
            ? $"{at} carries another consistency proof than the database's seal {N(number)}: the file was altered"
            : $"the database's seal {N(number)} differs from the one published ({at}), and both are signed: one of them was replaced";
    }

    /// <summary>Seals recorded but not yet published, and with no file under their number: a note, never counted as published.</summary>
    private static void NoteWaiting(IEnumerable<SealRecord> seals, ICollection<string> notes)
    {
        var waiting = seals.Where(s => s.AwaitingPublication).Select(s => s.Number).Order().ToList();
        if (waiting.Count > 0)
        {
            notes.Add($"seal(s) {string.Join(", ", waiting.Take(20).Select(N))}{(waiting.Count > 20 ? ", ..." : "")} are recorded in the database but not yet " +
                      "published to the witness folder (publishing failed): no witness has seen them, so they do not count as published; " +
                      "the next seal, periodic or on demand, publishes them first, in order");
        }
    }

    private static string N(long number) => number.ToString(CultureInfo.InvariantCulture);
}
