namespace CaseLedger.Audit;

/// <summary>
/// Checks the seal files published to the witness folder against the database's seals: the one
/// record of the seals that lies outside the database, so it catches seals removed from or replaced
/// in it. Kept apart from the chains' own verification (<see cref="ChainVerifier"/>), which calls it.
/// </summary>
public static class WitnessFolderChecks
{
    /// <summary>
    /// The database's seals of <paramref name="district"/> against those published outside it: what is
    /// evidence goes to <paramref name="problems"/>, what is only worth knowing to <paramref name="notes"/>.
    /// Returns how many seals were published.
    /// </summary>
    public static int Check(Sealing sealing, string district, IReadOnlyList<SealRecord> seals, ICollection<string> problems, ICollection<string> notes)
    {
        ArgumentNullException.ThrowIfNull(sealing);
        ArgumentNullException.ThrowIfNull(seals);
        ArgumentNullException.ThrowIfNull(problems);
        ArgumentNullException.ThrowIfNull(notes);
        var witness = sealing.Witness;
        var published = witness.List(district);
        var byNumber = seals.GroupBy(s => s.Number).ToDictionary(g => g.Key, g => g.First());
        foreach (var (number, file) in published)
        {
            var (seal, unreadable) = SealWitnessFolder.Read(file);
            if (seal is null)
            {
                problems.Add($"the published seal file {file} cannot be read: {unreadable}");
            }
            else if (!byNumber.TryGetValue(number, out var stored))
            {
                problems.Add($"seal {number} was published ({file}) but is missing from the database: seals were removed from it");
            }
            else if (stored.File.Statement != seal.Statement || stored.File.Signature != seal.Signature)
            {
                problems.Add($"the database's seal {number} differs from the one published ({file}): it was replaced");
            }
        }

        var unpublished = seals.Select(s => s.Number).Except(published.Select(p => p.Number)).ToList();
        if (unpublished.Count > 0)
        {
            notes.Add($"{unpublished.Count} seal(s) are not in the witness folder {witness.Folder} (publishing failed, or the folder is new): " +
                      string.Join(", ", unpublished.Take(10)));
        }

        return published.Count;
    }
}
