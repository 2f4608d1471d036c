using System.Text;
using System.Text.RegularExpressions;

namespace CaseLedger.Scenarios;

/// <summary>
/// A compact way of writing a step or a list item, such as <c>{unitId}: {ownerId}[, {coOwnerIds,}] {area}</c>
/// for <c>B-201: bob, carol 80.25</c>. <c>{name}</c> is one word, <c>{name,}</c> a list of words
/// separated by commas, <c>{name*}</c> the rest of the line, <c>{@at}</c> the step's time;
/// <c>[...]</c> is optional; a space stands for any run of spaces; anything else is itself.
/// </summary>
public sealed class TextPattern
{
    /// <summary>The name <c>{@at}</c> captures: the step's time rather than a field.</summary>
    public const string AtName = "@at";

    private readonly Regex _regex;
    private readonly IReadOnlyList<(string Group, string Name, bool IsList)> _slots;

    private TextPattern(string text, Regex regex, IReadOnlyList<(string, string, bool)> slots)
    {
        Text = text;
        _regex = regex;
        _slots = slots;
    }

    public string Text { get; }

    /// <summary>The values a line gives each name (a list for <c>{name,}</c>), or null when the line is not of this form.</summary>
    public IReadOnlyList<(string Name, object Value)>? Match(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var match = _regex.Match(line.Trim());
        if (!match.Success)
        {
            return null;
        }

        var values = new List<(string, object)>();
        foreach (var (group, name, isList) in _slots)
        {
            var captured = match.Groups[group];
            if (!captured.Success)
            {
                continue;
            }

            values.Add(isList
                ? (name, captured.Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList())
                : (name, captured.Value.Trim()));
        }

        return values;
    }

    public static TextPattern Parse(ScenarioNode node)
    {
        ArgumentNullException.ThrowIfNull(node);
        try
        {
            return Parse(node.Text);
        }
        catch (FormatException e)
        {
            throw node.Error(e.Message);
        }
    }

    public static TextPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        var regex = new StringBuilder("^");
        var slots = new List<(string, string, bool)>();
        var depth = 0;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            switch (c)
            {
                case '{':
                    var end = pattern.IndexOf('}', i);
                    if (end < 0)
                    {
                        throw new FormatException($"'{pattern}': a '{{' is never closed");
                    }

                    var name = pattern[(i + 1)..end];
                    var group = $"g{slots.Count}";
                    if (name.EndsWith(','))
                    {
                        slots.Add((group, name[..^1], true));
                        regex.Append($@"(?<{group}>[^\s,]+(?:\s*,\s*[^\s,]+)*)");
                    }
                    else if (name.EndsWith('*') || name == AtName)
                    {
                        slots.Add((group, name.TrimEnd('*'), false));
                        regex.Append($"(?<{group}>.+?)");
                    }
                    else
                    {
                        slots.Add((group, name, false));
                        regex.Append($@"(?<{group}>[^\s,]+)");
                    }

                    i = end;
                    break;
                case '[':
                    depth++;
                    regex.Append("(?:");
                    break;
                case ']':
                    if (--depth < 0)
                    {
                        throw new FormatException($"'{pattern}': a ']' closes nothing");
                    }

                    regex.Append(")?");
                    break;
                case ' ':
                    regex.Append(@"\s+");
                    break;
                default:
                    regex.Append(Regex.Escape(c.ToString()));
                    break;
            }
        }

        if (depth != 0)
        {
            throw new FormatException($"'{pattern}': a '[' is never closed");
        }

        regex.Append('$');
        return new TextPattern(pattern, new Regex(regex.ToString(), RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)), slots);
    }
}
