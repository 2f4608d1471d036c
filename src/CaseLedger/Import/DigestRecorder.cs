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

    public DigestHeader Next(long version, object e)
    {
        var changed = CaseDerivation.Apply(kind, caseId, version, e, (type, id) => _documents.GetValueOrDefault((type, id)));
        foreach (var document in changed)
        {
            _documents[(document.Type, document.Id)] = document.Document;
        }

        return DigestHeader.Of(changed, serializer);
    }
}
