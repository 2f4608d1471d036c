using System.Text.Json;
using CaseLedger.Http;

namespace CaseLedger.Core;

/// <summary>Reads a kind's demo-data files (JSON, in name order) for its seed loader.</summary>
public static class SeedFiles
{
    /// <summary>Every <c>*.json</c> file of the folder as <typeparamref name="T"/>, with its path; none when the folder is absent.</summary>
    public static async IAsyncEnumerable<(string Path, T File)> ReadAsync<T>(string folder,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct = default)
    {
        if (!Directory.Exists(folder))
        {
            yield break;
        }

        foreach (var path in Directory.GetFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            T? file;
            try
            {
                file = JsonSerializer.Deserialize<T>(await File.ReadAllTextAsync(path, ct), CaseLedgerJson.Options);
            }
            catch (JsonException e)
            {
                throw new InvalidDataException($"{path}: {e.Message}", e);
            }

            yield return (path, file ?? throw new InvalidDataException($"{path} is empty."));
        }
    }
}
