using System.Text;
using System.Text.Json;
using CaseLedger.Core;

namespace CaseLedger.Import;

/// <summary>The two file formats an import reads (docs/import.md).</summary>
public enum ImportFormat
{
    /// <summary>JSON lines: one JSON object per line.</summary>
    JsonLines,

    /// <summary>CSV (RFC 4180, UTF-8, optional byte-order mark) with a header line naming the columns.</summary>
    Csv,
}

/// <summary>What a file holds: its steps, in file order, and the lines that could not be read.</summary>
public sealed record ImportFile(IReadOnlyList<ImportStep> Steps, IReadOnlyList<BadLine> BadLines);

/// <summary>
/// Reads an import file into steps. A line that does not parse is a bad line (with its number), not
/// an error: the rest of the file is read on.
/// </summary>
public static class ImportReader
{
    /// <summary>The CSV columns, in the order the sample file writes them; a file may order them as it likes.</summary>
    public static readonly IReadOnlyList<string> CsvColumns =
        ["case", "kind", "command", "at", "actor", "role", "channel", "onBehalfOf", "institution", "body"];

    /// <summary>The format a file's name says: <c>.csv</c> is CSV, anything else JSON lines.</summary>
    public static ImportFormat FormatOf(string path) =>
        string.Equals(Path.GetExtension(path), ".csv", StringComparison.OrdinalIgnoreCase) ? ImportFormat.Csv : ImportFormat.JsonLines;

    public static async Task<ImportFile> ReadAsync(TextReader reader, ImportFormat format, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var steps = new List<ImportStep>();
        var bad = new List<BadLine>();
        var number = 0;
        IReadOnlyList<string>? header = null;
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            number++;
            if (string.IsNullOrWhiteSpace(line) || (format == ImportFormat.JsonLines && line.TrimStart().StartsWith("//", StringComparison.Ordinal)))
            {
                continue;
            }

            if (format == ImportFormat.Csv && header is null)
            {
                header = ParseCsvHeader(line, number, bad);
                if (header is null)
                {
                    return new ImportFile(steps, bad);
                }

                continue;
            }

            var (step, reason) = format == ImportFormat.Csv ? FromCsv(line, header!) : FromJson(line);
            if (step is not null)
            {
                steps.Add(step with { Line = number });
            }
            else
            {
                // The case a bad line names, when it names one, is not imported at all.
                bad.Add(new BadLine(number, CaseOf(line, format, header), reason!));
            }
        }

        return new ImportFile(steps, bad);
    }

    public static Task<ImportFile> ReadAsync(string text, ImportFormat format, CancellationToken ct = default) =>
        ReadAsync(new StringReader(text), format, ct);

    /// <summary>One JSON line as a step, or the reason it is not one.</summary>
    public static (ImportStep? Step, string? Reason) FromJson(string line)
    {
        try
        {
            var step = JsonSerializer.Deserialize<ImportStep>(line, CaseJson.Strict);
            return step is null ? (null, "the line is not a JSON object") : Checked(step);
        }
        catch (JsonException e)
        {
            return (null, $"the line is not a step: {CaseJson.Describe(e)}");
        }
    }

    /// <summary>One CSV line as a step (its columns put into the JSON form, read as a JSON line), or the reason it is not one.</summary>
    public static (ImportStep? Step, string? Reason) FromCsv(string line, IReadOnlyList<string> header)
    {
        ArgumentNullException.ThrowIfNull(header);
        if (SplitCsv(line) is not { } fields)
        {
            return (null, "the line's quotes are not closed (a field may not span lines)");
        }

        if (fields.Count != header.Count)
        {
            return (null, $"the line has {fields.Count} fields, the header {header.Count}");
        }

        var json = new StringBuilder("{");
        for (var i = 0; i < header.Count; i++)
        {
            if (fields[i].Length == 0)
            {
                continue;
            }

            if (json.Length > 1)
            {
                json.Append(',');
            }

            json.Append(JsonSerializer.Serialize(header[i])).Append(':');
            // The body is JSON itself; every other column is text.
            json.Append(header[i] == "body" ? fields[i] : JsonSerializer.Serialize(fields[i]));
        }

        return FromJson(json.Append('}').ToString());
    }

    /// <summary>The case a line names, when its case field can be read at all.</summary>
    private static Guid? CaseOf(string line, ImportFormat format, IReadOnlyList<string>? header)
    {
        if (format == ImportFormat.Csv)
        {
            var at = header?.ToList().IndexOf("case") ?? -1;
            // A line whose quotes are left open still names its case when the case comes before the open quote.
            var fields = SplitCsv(line) ?? line.Split(',');
            return at >= 0 && fields.Count > at && Guid.TryParse(fields[at], out var id) ? id : null;
        }

        try
        {
            using var json = JsonDocument.Parse(line);
            return json.RootElement.ValueKind == JsonValueKind.Object && json.RootElement.TryGetProperty("case", out var value)
                && value.ValueKind == JsonValueKind.String && Guid.TryParse(value.GetString(), out var id) ? id : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static (ImportStep?, string?) Checked(ImportStep step) =>
        step.CaseId == Guid.Empty ? (null, "the step names no case (\"case\": a GUID)")
        : string.IsNullOrWhiteSpace(step.Kind) ? (null, "the step names no kind")
        : string.IsNullOrWhiteSpace(step.Command) ? (null, "the step names no command")
        : step.At == default ? (null, "the step has no time (\"at\": ISO 8601 with its offset)")
        : (step with { At = Audit.ChainHashing.ToStoredPrecision(step.At) }, null);

    private static List<string>? ParseCsvHeader(string line, int number, List<BadLine> bad)
    {
        var names = SplitCsv(line.TrimStart('\uFEFF'))?.Select(n => n.Trim()).ToList();
        var missing = names is null ? ["case"] : CsvColumns.Take(7).Where(c => !names.Contains(c, StringComparer.Ordinal)).ToList();
        var unknown = names?.Where(n => !CsvColumns.Contains(n, StringComparer.Ordinal)).ToList() ?? [];
        if (missing.Count == 0 && unknown.Count == 0)
        {
            return names;
        }

        bad.Add(new BadLine(number, null,
            $"the header line must name the columns {string.Join(",", CsvColumns)}" +
            (missing.Count > 0 ? $"; missing: {string.Join(",", missing)}" : "") + (unknown.Count > 0 ? $"; unknown: {string.Join(",", unknown)}" : "")));
        return null;
    }

    /// <summary>The fields of one CSV line (RFC 4180 quoting, <c>""</c> for a quote); null when a quote is left open.</summary>
    public static IReadOnlyList<string>? SplitCsv(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            return null;
        }

        fields.Add(field.ToString());
        return fields;
    }
}
