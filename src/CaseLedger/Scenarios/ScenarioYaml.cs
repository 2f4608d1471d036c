using CaseLedger.Core;
using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.RepresentationModel;

namespace CaseLedger.Scenarios;

/// <summary>
/// Reads the YAML of a scenario file or a kind's vocabulary into nodes, within
/// <see cref="InputLimits.ScenarioValues"/> and <see cref="InputLimits.ScenarioNesting"/>. An alias
/// (<c>*name</c>) stands for the whole value its anchor (<c>&amp;name</c>) names, so a few hundred bytes of
/// aliases of aliases can stand for billions of values; whatever later walks the nodes would walk every
/// one of them. The parser's events are counted as they are read, each alias as all the values it
/// repeats, and the text is refused at the first event over a limit, before any of it is used.
/// </summary>
internal static class ScenarioYaml
{
    /// <summary>Reads <paramref name="text"/>; a malformed or oversized text is a <see cref="ScenarioFormatException"/> naming the line.</summary>
    public static YamlStream Load(string file, string text)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new LimitedParser(file, new Parser(new StringReader(text))));
        }
        catch (YamlException e)
        {
            throw new ScenarioFormatException(file, (int)e.Start.Line, $"not valid YAML: {e.InnerException?.Message ?? e.Message}");
        }

        return stream;
    }

    /// <summary>What an anchored value stands for: its values (itself included) and how many levels of lists and mappings it holds.</summary>
    private readonly record struct Extent(long Values, int Levels);

    /// <summary>A list or mapping whose end has not been read yet.</summary>
    private sealed class Open(AnchorName anchor, long valuesBefore, int level)
    {
        public AnchorName Anchor { get; } = anchor;

        /// <summary>The document's values before this one began, so its own count is the difference at its end.</summary>
        public long ValuesBefore { get; } = valuesBefore;

        /// <summary>Its own level: 1 for the document's outermost list or mapping.</summary>
        public int Level { get; } = level;

        /// <summary>The deepest level reached inside it so far, aliases followed.</summary>
        public int Deepest { get; set; } = level;
    }

    /// <summary>
    /// Passes the parser's events on, counting them. Anchors are checked so the nodes built are a tree
    /// with shared parts and never a loop: an alias must name a value anchored, and ended, before it,
    /// and an anchor names one value only (YAML would let a later one shadow it, which nobody writing a
    /// scenario means, and which would make the count depend on which of the two an alias reaches).
    /// </summary>
    private sealed class LimitedParser(string file, IParser inner) : IParser
    {
        private readonly Dictionary<AnchorName, Extent> _anchored = [];
        private readonly Stack<Open> _open = new();
        private long _values;

        public ParsingEvent? Current => inner.Current;

        public bool MoveNext()
        {
            if (!inner.MoveNext())
            {
                return false;
            }

            var current = inner.Current!;
            switch (current)
            {
                case DocumentStart:
                    // Anchors and the count are each document's own; a file of more than one is refused after loading.
                    _anchored.Clear();
                    _values = 0;
                    break;
                case Scalar scalar:
                    Define(scalar.Anchor, current);
                    Add(new Extent(1, 0), current);
                    if (!scalar.Anchor.IsEmpty)
                    {
                        _anchored[scalar.Anchor] = new Extent(1, 0);
                    }

                    break;
                case AnchorAlias alias:
                    Add(Repeated(alias), current);
                    break;
                case SequenceStart or MappingStart:
                    var anchor = ((NodeEvent)current).Anchor;
                    Define(anchor, current);
                    var before = _values;
                    Add(new Extent(1, 1), current);
                    _open.Push(new Open(anchor, before, _open.Count + 1));
                    break;
                case SequenceEnd or MappingEnd:
                    var ended = _open.Pop();
                    if (_open.TryPeek(out var parent))
                    {
                        parent.Deepest = Math.Max(parent.Deepest, ended.Deepest);
                    }

                    if (!ended.Anchor.IsEmpty)
                    {
                        _anchored[ended.Anchor] = new Extent(_values - ended.ValuesBefore, ended.Deepest - ended.Level + 1);
                    }

                    break;
            }

            return true;
        }

        /// <summary>Counts a value where it stands, refusing it if the document would go over a limit.</summary>
        private void Add(Extent value, ParsingEvent at)
        {
            _values += value.Values;
            if (_values > InputLimits.ScenarioValues)
            {
                throw Refuse(at, $"the file stands for more than {InputLimits.ScenarioValues:N0} values once its aliases are expanded " +
                    "(each *alias counts as every value its &anchor holds): write the values out, or repeat less");
            }

            var reached = _open.Count + value.Levels;
            if (reached > InputLimits.ScenarioNesting)
            {
                throw Refuse(at, $"lists and mappings nest more than {InputLimits.ScenarioNesting} levels deep here (aliases followed)");
            }

            if (_open.TryPeek(out var parent))
            {
                parent.Deepest = Math.Max(parent.Deepest, reached);
            }
        }

        private Extent Repeated(AnchorAlias alias)
        {
            if (_open.Any(o => o.Anchor == alias.Value))
            {
                throw Refuse(alias, $"the alias *{alias.Value.Value} stands inside the value it names");
            }

            return _anchored.TryGetValue(alias.Value, out var extent)
                ? extent
                : throw Refuse(alias, $"the alias *{alias.Value.Value} names no value anchored (&{alias.Value.Value}) before it");
        }

        private void Define(AnchorName anchor, ParsingEvent at)
        {
            if (!anchor.IsEmpty && (_anchored.ContainsKey(anchor) || _open.Any(o => o.Anchor == anchor)))
            {
                throw Refuse(at, $"the anchor &{anchor.Value} is given twice: each anchor names one value");
            }
        }

        private ScenarioFormatException Refuse(ParsingEvent at, string problem) => new(file, (int)at.Start.Line, problem);
    }
}
