using CaseLedger.Core;
using CaseLedger.Core.Derivation;
using CaseLedger.Core.Vouching;
using Marten;

namespace CaseLedger.Import;

/// <summary>
/// The digests the events of an imported case record of the documents they leave. The whole case is
/// folded first, event by event, with <see cref="CaseDerivation.Apply"/>; then each document's digest
/// is recorded once, on the event that leaves it in the form the import stores (the last event that
/// changes it): the documents kept per case by type name, those written by id by key. A live command
/// records a digest on every event, because each event is then the newest; an imported case's later
/// events are known, so the digests of forms no store will ever hold are not worked out. What a
/// command checks before it decides (the case's newest digests, a document's last writer's) and what
/// verification compares with the folded events are the same either way.
/// </summary>
internal sealed class DigestRecorder
{
    private readonly ISerializer _serializer;
    private readonly Guid _caseId;
    private readonly Dictionary<(Type Type, string Id), object> _documents = [];
    private readonly List<IReadOnlyList<DerivedDocument>> _changes = [];
    private readonly Dictionary<(Type Type, string Id), int> _lastChange = [];
    private readonly Dictionary<long, int> _indexOf = [];

    public DigestRecorder(CaseKind kind, Guid caseId, ISerializer serializer, IReadOnlyList<RecordedEvent> events)
    {
        ArgumentNullException.ThrowIfNull(kind);
        ArgumentNullException.ThrowIfNull(events);
        (_serializer, _caseId) = (serializer, caseId);
        foreach (var e in events)
        {
            var changed = CaseDerivation.Apply(kind, caseId, e.Version, e.Data, (type, id) => _documents.GetValueOrDefault((type, id)));
            foreach (var document in changed)
            {
                _documents[(document.Type, document.Id)] = document.Document;
                _lastChange[(document.Type, document.Id)] = _changes.Count;
            }

            _indexOf[e.Version] = _changes.Count;
            _changes.Add(changed);
        }
    }

    /// <summary>The documents the event of <paramref name="version"/> changed.</summary>
    public IReadOnlyList<DerivedDocument> ChangedBy(long version) => _changes[_indexOf[version]];

    /// <summary>The digests the event of <paramref name="version"/> records: of the documents it leaves as they are stored.</summary>
    public DigestHeader HeaderOf(long version)
    {
        var index = _indexOf[version];
        return DigestHeader.Of(_changes[index].Where(d => _lastChange[(d.Type, d.Id)] == index), _serializer);
    }

    /// <summary>The case's documents kept per case (state, read models, service record) as its last event left them, as the inline projections store them.</summary>
    public IEnumerable<object> KeptPerCase(CaseKinds kinds)
    {
        var id = _caseId.ToString("D");
        return _documents.Where(d => d.Key.Id == id && kinds.IsKeptPerCase(d.Key.Type)).Select(d => d.Value);
    }
}
