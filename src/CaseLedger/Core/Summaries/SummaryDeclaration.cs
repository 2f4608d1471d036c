namespace CaseLedger.Core.Summaries;

/// <summary>
/// A summary of a district, declared once: the sum, over every case's document of
/// <see cref="DocumentType"/> (a document kept per case: a kind's read model, or the service record),
/// of what that document contributes (<see cref="Of"/>). The pipeline keeps it in the command's own
/// transaction by adding what a document contributes after the command and taking away what it
/// contributed before; a rebuild folds it again, and verification checks it against the events.
/// </summary>
public sealed class SummaryDeclaration
{
    private readonly Func<object, TimeSpan, IEnumerable<SummaryCount>> _contribute;

    private SummaryDeclaration(string name, Type documentType, Func<object, TimeSpan, IEnumerable<SummaryCount>> contribute) =>
        (Name, DocumentType, _contribute) = (name, documentType, contribute);

    /// <summary>The summary's name (e.g. <c>service/on-time</c>), the first part of its cells' keys.</summary>
    public string Name { get; }

    /// <summary>The per-case document it sums over.</summary>
    public Type DocumentType { get; }

    /// <summary>Declares a summary over documents of <typeparamref name="TDoc"/>; the contribution must be pure and name only this summary.</summary>
    public static SummaryDeclaration For<TDoc>(string name, Func<TDoc, TimeSpan, IEnumerable<SummaryCount>> contribute) where TDoc : class
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(contribute);
        return new SummaryDeclaration(name, typeof(TDoc), (document, offset) => contribute((TDoc)document, offset));
    }

    /// <summary>What one document contributes, with days and months in the civil time <paramref name="civilOffset"/>; nothing for no document.</summary>
    public IEnumerable<SummaryCount> Of(object? document, TimeSpan civilOffset)
    {
        if (document is null)
        {
            yield break;
        }

        foreach (var count in _contribute(document, civilOffset))
        {
            if (count.Summary != Name)
            {
                throw new InvalidOperationException($"Summary {Name} contributed to another summary ({count.Summary}).");
            }

            if (count.N != 0)
            {
                yield return count;
            }
        }
    }
}
