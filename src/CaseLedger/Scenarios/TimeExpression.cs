using System.Globalization;
using System.Text.RegularExpressions;

namespace CaseLedger.Scenarios;

/// <summary>
/// Times as scenarios write them: <c>2024-05-06T09:00</c> (civil time unless an offset is given),
/// <c>2024-05-06</c> (midnight), a named time of the case (<c>end</c>), and any of these moved by whole
/// durations: <c>end - 1 minute</c>, <c>start + 2 days</c>.
/// </summary>
public static partial class TimeExpression
{
    private static readonly string[] WithOffset = ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mmK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"];
    private static readonly string[] Local = ["yyyy-MM-dd'T'HH:mm:ss", "yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd HH:mm", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", "yyyy-MM-dd"];

    [GeneratedRegex(@"\s+([+-])\s+(\d+(?:\.\d+)?\s+[A-Za-z]+)")]
    private static partial Regex Shift();

    /// <summary>
    /// Evaluates a time; <paramref name="named"/> gives a named time's value (null when the case does
    /// not know it yet). Returns null with the reason when the text is not a time.
    /// </summary>
    public static (DateTimeOffset? Time, string? Problem) Evaluate(string text, TimeSpan civilOffset, Func<string, (DateTimeOffset? Value, string? Problem)> named)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(named);
        var trimmed = text.Trim();
        if (trimmed.StartsWith("at ", StringComparison.Ordinal))
        {
            trimmed = trimmed[3..].TrimStart();
        }

        var shifts = Shift().Matches(trimmed);
        var head = shifts.Count > 0 ? trimmed[..shifts[0].Index] : trimmed;
        if (shifts.Count > 0 && shifts[^1].Index + shifts[^1].Length != trimmed.Length)
        {
            return (null, $"'{text}' is not a time such as 2024-05-06T09:00, end or end - 1 minute");
        }

        DateTimeOffset time;
        if (DateTimeOffset.TryParseExact(head, WithOffset, CultureInfo.InvariantCulture, DateTimeStyles.None, out var exact) && HasOffset(head))
        {
            time = exact;
        }
        else if (DateTime.TryParseExact(head, Local, CultureInfo.InvariantCulture, DateTimeStyles.None, out var local))
        {
            time = new DateTimeOffset(local, civilOffset);
        }
        else if (head.Length > 0 && char.IsLetter(head[0]) && named(head) is var (value, problem))
        {
            if (value is null)
            {
                return (null, problem ?? $"'{head}' is not a time this case knows");
            }

            time = value.Value;
        }
        else
        {
            return (null, $"'{text}' is not a time such as 2024-05-06T09:00, end or end - 1 minute");
        }

        foreach (Match shift in shifts)
        {
            if (!Durations.TryParse(shift.Groups[2].Value, out var span))
            {
                return (null, $"'{shift.Groups[2].Value}' is not a duration such as 1 minute, 2 hours or 7 days");
            }

            time = shift.Groups[1].Value == "+" ? time + span : time - span;
        }

        return (time, null);
    }

    private static bool HasOffset(string text) => text.EndsWith('Z') || text.LastIndexOfAny(['+', '-']) > 10;
}
