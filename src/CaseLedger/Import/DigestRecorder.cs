using CaseLedger.Core;
using CaseLedger.Core.Derivation;
using CaseLedger.Core.Vouching;
using Marten;

namespace CaseLedger.Import;

/// <summary>
/// The digests each event of a new case records of the documents it leaves, as the pipeline records
/// them when it appends (<c>MartenCaseSession.RecordDigestsAsync</c>): folded event by event with
/// <see cref="CaseDerivation.Apply"/>, the documents kept per case by type name, those written by id by key.
/// </summary>
internal sealed class DigestRecorder(CaseKind kind, Guid caseId, ISerializer serializer)
{
    private readonly Dictionary<(Type Type, string Id), object> _documents = [];

    /// <summary>The documents the last event given to <see cref="Next"/> changed.</summary>
    public IReadOnlyList<DerivedDocument> Changed { get; private set; } = [];

    public DigestHeader Next(long version, object e)
    {
        Changed = CaseDerivation.Apply(kind, caseId, version, e, (type, id) => _documents.GetValueOrDefault((type, id)));
        foreach (var document in Changed)
        {
            _documents[(document.Type, document.Id)] = document.Document;
        }

        return DigestHeader.Of(Changed, serializer);
    }

    /// <summary>The case's documents kept per case (state, read models, service record) as its last event left them, as the inline projections store them.</summary>
    public IEnumerable<object> KeptPerCase(CaseKinds kinds)
    {
        var id = caseId.ToString("D");
        return _documents.Where(d => d.Key.Id == id && kinds.IsKeptPerCase(d.Key.Type)).Select(d => d.Value);
    }
}
