using CaseLedger.Core;
using CaseLedger.Core.Derivation;
using CaseLedger.Core.Vouching;
using CaseLedger.Rules;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// A stored document, or a recorded decision, that is not what a case's events produce: which
/// document (<c>{type}:{id}</c>, or <c>decision:{version}</c>), what is wrong, and where it first
/// differs with both values (canonical JSON).
/// </summary>
public sealed record DocumentFinding(string Document, string What, string? Member = null, string? Expected = null, string? Found = null);

/// <summary>What a case's events produce: every document derived from them, the audit trail, the digests on record, and any recorded decision that does not follow.</summary>
internal sealed class DerivedCase
{
    public required CaseKind Kind { get; init; }

    public required Guid CaseId { get; init; }

    public long Version { get; set; }

    /// <summary>The documents kept per case (state, read models, service record) after the last event.</summary>
    public Dictionary<Type, object> PerCase { get; } = [];

    /// <summary>Each document written by id, as the last event of this case that wrote it left it, with that event's version and sequence.</summary>
    public Dictionary<(Type Type, string Id), (object Document, long Version, long Sequence, string? Recorded)> Written { get; } = [];

    /// <summary>The digests of documents kept per case on record in the case's events, merged event by event as the chain head keeps them.</summary>
    public Dictionary<string, string> Digests { get; } = new(StringComparer.Ordinal);

    public Dictionary<Guid, AuditEntry> Audit { get; } = [];

    public List<DocumentFinding> Findings { get; } = [];
}

/// <summary>
/// Folds a case's verified events again with the functions the store's projections fold with, decides
/// each recorded decision again from the history before it, and compares what that produces with what
/// is stored: the state, each read model, the service record, each document written by id and its
/// digest record, the audit trail entries and the chain head's digests. Used by case, district and
/// bundle verification.
/// </summary>
internal sealed class Rederivation(CaseKinds kinds, RuleBook rules, ISerializer serializer)
{
    /// <summary>
    /// Folds the events and decides the recorded decisions again; <paramref name="outside"/> reads another
    /// case's documents a decision read as a fact (none: such decisions are not decided again).
    /// </summary>
    public async Task<DerivedCase?> DeriveAsync(Guid caseId, IReadOnlyList<IEvent> events, IFactReader? outside, CancellationToken ct)
    {
        if (events.Select(e => kinds.ForEventType(e.Data.GetType())).FirstOrDefault(k => k is not null) is not { } kind)
        {
            return null;
        }

        var derived = new DerivedCase { Kind = kind, CaseId = caseId };
        var id = caseId.ToString("D");
        var documents = new Dictionary<(Type Type, string Id), object>();
        for (var i = 0; i < events.Count; i++)
        {
            var e = events[i];
            if (RecordedCommand(kind, e.Data) is var (declaration, command, at))
            {
                await RedecideAsync(derived, declaration, command, at, documents, events, i, outside, ct);
            }

            var header = DigestHeader.Of(e);
            foreach (var document in CaseDerivation.Apply(kind, caseId, e.Version, e.Data, (type, documentId) => documents.GetValueOrDefault((type, documentId))))
            {
                documents[(document.Type, document.Id)] = document.Document;
                if (!document.PerCase)
                {
                    derived.Written[(document.Type, document.Id)] = (document.Document, e.Version, e.Sequence, header?.Documents.GetValueOrDefault(document.Key));
                }
            }

            if (header is not null)
            {
                foreach (var (type, digest) in header.Case)
                {
                    derived.Digests[type] = digest;
                }
            }

            derived.Audit[e.Id] = AuditEntry.From(e, kinds);
            derived.Version = e.Version;
        }

        foreach (var ((type, documentId), document) in documents.Where(d => d.Key.Id == id && kinds.IsKeptPerCase(d.Key.Type)))
        {
            derived.PerCase[type] = document;
        }

        return derived;
    }

    /// <summary>The command an event records the decision of (the first of the kind's commands that replays it), with its time; null when none does.</summary>
    private static (CommandDeclaration Declaration, object Command, DateTimeOffset At)? RecordedCommand(CaseKind kind, object data)
    {
        foreach (var declaration in kind.Commands)
        {
            if (declaration.Replay(data) is var (command, at))
            {
                return (declaration, command, at);
            }
        }

        return null;
    }

    /// <summary>
    /// Decides a recorded command again: on the state before it, at its recorded time, by its recorded
    /// actor, with the facts it read then (the case's own documents as they were, the shared totals its
    /// event says it held); reports a recorded decision the rules do not give.
    /// </summary>
    private async Task RedecideAsync(DerivedCase derived, CommandDeclaration declaration, object command, DateTimeOffset at,
        Dictionary<(Type Type, string Id), object> before, IReadOnlyList<IEvent> events, int index, IFactReader? outside, CancellationToken ct)
    {
        var e = events[index];
        if (!Channels.TryParse(EventMetadata.Header(e, CaseHeaders.Channel), out var channel) || !Roles.TryParse(EventMetadata.Header(e, CaseHeaders.Role), out var role))
        {
            return; // recorded before channels and roles were kept: nothing to decide it again as
        }

        if (EventMetadata.Header(e, CaseHeaders.Rule)?.Split('@', 2) is [var ruleId, var version] && !rules.All.Any(v => v.Id == ruleId && v.Version == version))
        {
            return; // decided under a rule version this rule book does not hold: nothing to decide it again with
        }

        var acting = new Acting(e.UserName ?? "", channel, role, EventMetadata.Header(e, CaseHeaders.OnBehalfOf))
        {
            Institution = EventMetadata.Header(e, CaseHeaders.Institution),
            Issuer = EventMetadata.Header(e, CaseHeaders.Issuer),
        };
        var context = new CommandContext(e.TenantId, derived.CaseId, at, acting, rules);
        var state = before.GetValueOrDefault((derived.Kind.StateType, derived.CaseId.ToString("D")));
        var reader = new DerivedFacts(before, outside);
        foreach (var read in declaration.DocumentReads(command, context))
        {
            await read.ReadAsync(reader, context, ct);
        }

        if (state is not null && declaration.HeldDocuments(command, state, context) is { Count: > 0 } holds)
        {
            if (e.Data is not IRecordsHeldDocuments held)
            {
                return; // the event does not say what totals it held: nothing to decide it again against
            }

            var heldBefore = new HeldFacts(derived.Kind, held);
            foreach (var hold in holds)
            {
                await hold.ReadAsync(heldBefore, context, ct);
            }
        }

        try
        {
            await declaration.LoadFactsAsync(command, context, reader, ct);
        }
        catch (OutsideUnavailableException)
        {
            return; // it read another case, and there is none to read here (a bundle holds one case)
        }

        var decision = declaration.Decide(command, state, context);
        var where = $"decision:{e.Version}";
        if (decision.Rejection is { } refused)
        {
            derived.Findings.Add(new DocumentFinding(where,
                $"the recorded {declaration.Name} at version {e.Version} does not follow from the history before it: decided again, it is refused ({refused.Code})"));
            return;
        }

        for (var i = 0; i < decision.Events.Count; i++)
        {
            var recorded = index + i < events.Count ? events[index + i] : null;
            var decided = decision.Events[i];
            if (recorded is not null && recorded.Data.GetType() == decided.GetType() && SerializedMatch.SameBytes(serializer, decided, recorded.Data))
            {
                continue; // decided again, the same event: the usual case, with no need to look closer
            }

            if (recorded is null || recorded.Data.GetType() != decided.GetType())
            {
                derived.Findings.Add(new DocumentFinding(where,
                    $"the recorded {declaration.Name} at version {e.Version} does not follow from the history before it: decided again, its event {i + 1} is a {derived.Kind.EventName(decided.GetType())}",
                    null, derived.Kind.EventName(decided.GetType()), recorded?.EventTypeName));
                return;
            }

            if (JsonDifference.Between(serializer.ToJson(decided), serializer.ToJson(recorded.Data)) is { } difference)
            {
                derived.Findings.Add(new DocumentFinding(where,
                    $"the recorded {declaration.Name} at version {recorded.Version} does not follow from the history before it under {EventMetadata.Header(e, CaseHeaders.Rule) ?? "its rule"}",
                    difference.Member, difference.Expected, difference.Found));
                return;
            }
        }
    }

    /// <summary>Compares what the events produce with what is stored; the findings are added to <paramref name="derived"/>.</summary>
    public void Compare(DerivedCase derived, StoredCase stored)
    {
        ComparePerCase(derived, stored);
        CompareWritten(derived, stored);
        ReportUnreadable(derived, stored);
    }

    /// <summary>Compares the documents kept per case (state, read models, service record) and their recorded digests.</summary>
    public void ComparePerCase(DerivedCase derived, StoredCase stored)
    {
        var id = derived.CaseId.ToString("D");
        foreach (var (type, document) in derived.PerCase)
        {
            CompareDocument(derived, DerivedDocument.KeyOf(type, id), document, stored.PerCase.GetValueOrDefault(type));
            if (derived.Digests.GetValueOrDefault(type.Name) is { } recorded && DocumentDigest.IsOfShape(recorded, type)
                && DocumentDigest.Of(document, serializer) is var produced && produced != recorded)
            {
                derived.Findings.Add(new DocumentFinding(DerivedDocument.KeyOf(type, id),
                    "the digest the case's events recorded of it is not the digest of what they produce", null, produced, recorded));
            }
        }

        foreach (var (type, document) in stored.PerCase.Where(s => s.Value is not null && !derived.PerCase.ContainsKey(s.Key)))
        {
            CompareDocument(derived, DerivedDocument.KeyOf(type, id), null, document);
        }
    }

    /// <summary>Compares the documents written by id and their digest records, the audit trail and the chain head's digests.</summary>
    private void CompareWritten(DerivedCase derived, StoredCase stored)
    {
        var id = derived.CaseId.ToString("D");

        foreach (var ((type, documentId), (document, version, sequence, recordedDigest)) in derived.Written)
        {
            var key = DerivedDocument.KeyOf(type, documentId);
            var record = stored.Records.GetValueOrDefault(key);
            if (record is null)
            {
                derived.Findings.Add(new DocumentFinding(key, "its digest record is missing", null, recordedDigest, null));
                continue;
            }

            if (record.CaseId != derived.CaseId)
            {
                if (record.Sequence <= sequence)
                {
                    derived.Findings.Add(new DocumentFinding(key,
                        $"its digest record names case {record.CaseId} at sequence {record.Sequence}, but this case wrote it later (sequence {sequence})",
                        "sequence", sequence.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        record.Sequence.ToString(System.Globalization.CultureInfo.InvariantCulture)));
                }

                continue; // written since by another case: checked with that case
            }

            if (record.Version != version || (recordedDigest is not null && record.Digest != recordedDigest))
            {
                derived.Findings.Add(new DocumentFinding(key, "its digest record is not the one the case's events recorded", "digest", recordedDigest, record.Digest));
            }

            CompareDocument(derived, key, document, stored.Written.GetValueOrDefault((type, documentId)));
        }

        foreach (var (eventId, entry) in derived.Audit)
        {
            CompareDocument(derived, DerivedDocument.KeyOf(typeof(AuditEntry), eventId.ToString("D")), entry, stored.Audit.GetValueOrDefault(eventId));
        }

        foreach (var (eventId, entry) in stored.Audit.Where(a => !derived.Audit.ContainsKey(a.Key)))
        {
            CompareDocument(derived, DerivedDocument.KeyOf(typeof(AuditEntry), eventId.ToString("D")), null, entry);
        }

        if (stored.Head is { } head && !SameDigests(head.Digests, derived.Digests))
        {
            var name = derived.Digests.Keys.Concat(head.Digests.Keys).Order(StringComparer.Ordinal)
                .First(k => derived.Digests.GetValueOrDefault(k) != head.Digests.GetValueOrDefault(k));
            derived.Findings.Add(new DocumentFinding(DerivedDocument.KeyOf(typeof(ChainHead), id), "the chain head's digests are not those the case's events recorded",
                $"digests.{name}", derived.Digests.GetValueOrDefault(name), head.Digests.GetValueOrDefault(name)));
        }
    }

    /// <summary>Compares a document the events produce with the stored one as PostgreSQL holds it (JSON), so a stored document no class can read is reported too.</summary>
    private void CompareDocument(DerivedCase derived, string key, object? expected, byte[]? found)
    {
        if (expected is null && found is null)
        {
            return;
        }

        if (expected is null || found is null)
        {
            derived.Findings.Add(new DocumentFinding(key,
                expected is null ? "the document is stored, but no event of the case produces it" : "the document is missing, but the case's events produce it"));
            return;
        }

        if (SerializedMatch.Surely(serializer, expected, found))
        {
            return; // the usual case, told with no string built
        }

        var produced = serializer.ToJson(expected);
        var foundText = System.Text.Encoding.UTF8.GetString(found);
        if (CanonicalJson.SameValue(produced, foundText))
        {
            return;
        }

        if (JsonDifference.Between(produced, foundText) is { } difference)
        {
            derived.Findings.Add(new DocumentFinding(key, "the stored document is not what the case's events produce", difference.Member, difference.Expected,
                difference.Found));
        }
    }

    /// <summary>Reports the stored documents of the case that could not be read as their type (their JSON no longer fits it).</summary>
    private static void ReportUnreadable(DerivedCase derived, StoredCase stored)
    {
        foreach (var (key, problem) in stored.Unreadable)
        {
            derived.Findings.Add(new DocumentFinding(key, $"the stored document cannot be read: {problem}"));
        }
    }

    private static bool SameDigests(IReadOnlyDictionary<string, string> a, Dictionary<string, string> b) =>
        a.Count == b.Count && a.All(p => b.TryGetValue(p.Key, out var v) && v == p.Value);

    /// <summary>The facts a recorded decision read: the case's own documents as they were before it, else another case's documents as stored.</summary>
    private sealed class DerivedFacts(Dictionary<(Type Type, string Id), object> before, IFactReader? outside) : IFactReader
    {
        public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class =>
            before.GetValueOrDefault((typeof(T), id)) as T ?? await Outside().LoadAsync<T>(id, ct);

        public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class =>
            before.GetValueOrDefault((typeof(T), id.ToString("D"))) as T ?? await Outside().LoadAsync<T>(id, ct);

        private IFactReader Outside() => outside ?? throw new OutsideUnavailableException();
    }

    private sealed class OutsideUnavailableException : Exception;

    /// <summary>The shared totals a recorded decision held, as its event says they were (one it does not name did not exist yet).</summary>
    private sealed class HeldFacts(CaseKind kind, IRecordsHeldDocuments held) : IFactReader
    {
        public Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class =>
            Task.FromResult(held.HeldBefore.OfType<T>().FirstOrDefault(d => kind.Documents.First(w => w.Type == typeof(T)).IdOf(d) == id));

        public Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => LoadAsync<T>(id.ToString("D"), ct);
    }
}

/// <summary>
/// What the store holds of one case, as PostgreSQL holds it: its documents kept per case and its
/// documents written by id (their JSON), their digest records, its audit trail entries (JSON) and its
/// chain head; and the keys of those that could not be read, with why.
/// </summary>
internal sealed class StoredCase
{
    public Dictionary<Type, byte[]?> PerCase { get; } = [];

    public Dictionary<(Type Type, string Id), byte[]?> Written { get; } = [];

    public Dictionary<string, VouchedDocument?> Records { get; } = new(StringComparer.Ordinal);

    public Dictionary<Guid, byte[]> Audit { get; } = [];

    public ChainHead? Head { get; set; }

    public Dictionary<string, string> Unreadable { get; } = new(StringComparer.Ordinal);
}
