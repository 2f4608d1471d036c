using CaseLedger.Core;
using CaseLedger.Scenarios;

namespace CaseLedger.Import;

/// <summary>
/// Loads the demo's seed files (<c>seeds/{kind route}/*.json</c>, docs/seeds.md) as an import: each
/// case decided at its steps' dates and recorded with them, so the demo district shows its real dates.
/// </summary>
public static class SeedImport
{
    /// <summary>Imports every seed file of the registered kinds under <paramref name="root"/>, district by district; the cases per kind.</summary>
    public static async Task<IReadOnlyDictionary<string, int>> LoadAsync(HistoryImport importer, CaseKinds kinds, string root, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(importer);
        var (counts, files) = await ReadAsync(kinds, root, ct);
        var seeding = importer.With(importer.BatchSize, "seeds", seeding: true);
        foreach (var (district, file) in files)
        {
            var result = await seeding.ImportAsync(district, file, ct: ct);
            if (result.BadLines.Count > 0)
            {
                var bad = result.BadLines[0];
                throw new InvalidDataException($"Seeds of district {district}: case {bad.CaseId}: {bad.Reason}");
            }
        }

        return counts;
    }

    /// <summary>The seed files of the registered kinds under <paramref name="root"/> as one import file per district, and the cases per kind.</summary>
    internal static async Task<(IReadOnlyDictionary<string, int> Counts, IReadOnlyDictionary<string, ImportFile> Files)> ReadAsync(CaseKinds kinds, string root,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(kinds);
        var counts = kinds.All.ToDictionary(k => k.Name, _ => 0, StringComparer.Ordinal);
        var byDistrict = new Dictionary<string, List<ImportStep>>(StringComparer.Ordinal);
        var line = 0;
        // In the kinds' order, as the seeds always loaded: a project's vote is decided before the project.
        foreach (var kind in kinds.All)
        {
            var folder = Path.Combine(root, kind.Route);
            if (!Directory.Exists(folder))
            {
                continue;
            }

            foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                var file = await Seeds.ReadAsync(path, ct);
                if (!byDistrict.TryGetValue(file.District, out var steps))
                {
                    byDistrict[file.District] = steps = [];
                }

                foreach (var seeded in file.Cases)
                {
                    steps.AddRange(seeded.Steps.Select(s => new ImportStep
                    {
                        Line = ++line, CaseId = seeded.Id, Kind = seeded.Kind, Command = s.Command, At = Audit.ChainHashing.ToStoredPrecision(s.At),
                        Actor = s.As.Actor, Role = s.As.Role, Channel = s.As.Channel, OnBehalfOf = s.As.OnBehalfOf, Institution = s.As.Institution, Body = s.Body,
                    }));
                    counts[seeded.Kind] = counts.GetValueOrDefault(seeded.Kind) + 1;
                }
            }
        }

        return (counts, byDistrict.ToDictionary(d => d.Key, d => new ImportFile(d.Value, []), StringComparer.Ordinal));
    }
}
