using System.Text.Json;
using System.Text.Json.Serialization;
using CaseLedger.Core;

namespace CaseLedger.Import;

/// <summary>
/// One recorded step of a district's history, as an import file holds it (docs/import.md): which
/// case, of which kind, which of the kind's commands with its body, when, and who acted in which role
/// through which channel (and for whom).
/// </summary>
public sealed record ImportStep
{
    /// <summary>The line of the file the step is on (from 1; a CSV file's header is line 1).</summary>
    [JsonIgnore]
    public int Line { get; init; }

    [JsonPropertyName("case")]
    public Guid CaseId { get; init; }

    public string Kind { get; init; } = "";

    public string Command { get; init; } = "";

    /// <summary>The step's historical time: it is decided at this time and recorded with it.</summary>
    public DateTimeOffset At { get; init; }

    public string Actor { get; init; } = "";

    public Role Role { get; init; }

    public Channel Channel { get; init; }

    public string? OnBehalfOf { get; init; }

    public string? Institution { get; init; }

    /// <summary>The command's body as a client would post it; none for a command without one.</summary>
    public JsonElement? Body { get; init; }
}

/// <summary>A line that cannot be imported, by its number, with the reason; nothing of its case is stored.</summary>
public sealed record BadLine(int Line, Guid? CaseId, string Reason);
