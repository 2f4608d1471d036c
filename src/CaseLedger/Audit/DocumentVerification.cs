using System.Collections.Concurrent;
using System.Reflection;
using CaseLedger.Core;
using CaseLedger.Core.Derivation;
using CaseLedger.Core.Vouching;
using CaseLedger.Rules;
using JasperFx.Events;
using Marten;

namespace CaseLedger.Audit;

/// <summary>
/// Verification's second half, for cases whose chain is intact: fold each case's events again,
/// decide its recorded decisions again, and compare the result with every document the store keeps
/// from them (<see cref="Rederivation"/>). Works on a batch of cases at a time, loading what is stored
/// of them in a few queries, so a district is checked in bounded memory.
/// </summary>
internal sealed class DocumentVerification(IDocumentStore store, CaseKinds kinds, RuleBook rules)
{
    private static readonly ConcurrentDictionary<(Type, bool), Func<IQuerySession, Array, CancellationToken, Task<IReadOnlyList<object>>>> Loaders = new();
    private readonly EventTyping _typing = new(store);
    private readonly Rederivation _rederivation = new(kinds, rules, store.Options.Serializer());

    /// <summary>One case to check: its rows as read, and its chain's newest link (null: no events).</summary>
    public sealed record Case(Guid CaseId, IReadOnlyList<ChainVerifier.StoredEvent> Rows, string? Head);

    /// <summary>The findings of each case that has any.</summary>
    public async Task<Dictionary<Guid, IReadOnlyList<DocumentFinding>>> CheckAsync(IQuerySession session, IReadOnlyList<Case> cases, CancellationToken ct)
    {
        var outside = new StoredFacts(session);
        var derived = new List<(DerivedCase Derived, Case Case)>();
        foreach (var c in cases)
        {
            var events = c.Rows.Select(_typing.ToEvent).OfType<IEvent>().ToList();
            if (events.Count > 0 && await _rederivation.DeriveAsync(c.CaseId, events, outside, ct) is { } d)
            {
                derived.Add((d, c));
            }
        }

        var stored = await LoadAsync(session, derived.Select(d => d.Derived).ToList(), ct);
        var findings = new Dictionary<Guid, IReadOnlyList<DocumentFinding>>();
        foreach (var (d, c) in derived)
        {
            var held = stored[d.CaseId];
            _rederivation.Compare(d, held);
            if (held.Head is { } head && (head.Version != d.Version || head.Hash != c.Head))
            {
                d.Findings.Add(new DocumentFinding(DerivedDocument.KeyOf(typeof(ChainHead), d.CaseId.ToString("D")),
                    "the chain head is not the chain's newest link", "version",
                    d.Version.ToString(System.Globalization.CultureInfo.InvariantCulture), head.Version.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }

            if (d.Findings.Count > 0)
            {
                findings[d.CaseId] = d.Findings;
            }
        }

        return findings;
    }

    /// <summary>What the store holds of these cases, in a few queries: by type, then the audit trail, the heads and the digest records.</summary>
    private static async Task<Dictionary<Guid, StoredCase>> LoadAsync(IQuerySession session, IReadOnlyList<DerivedCase> cases, CancellationToken ct)
    {
        var stored = cases.ToDictionary(c => c.CaseId, _ => new StoredCase());
        var ids = cases.Select(c => c.CaseId).ToArray();
        if (ids.Length == 0)
        {
            return stored;
        }

        var perCaseTypes = cases.SelectMany(c => c.PerCase.Keys.Append(c.Kind.StateType).Concat(c.Kind.Views.Select(v => v.Type)))
            .Append(typeof(Core.Service.CaseService)).Distinct();
        foreach (var type in perCaseTypes)
        {
            foreach (var document in await Loader(type, byGuid: true)(session, ids, ct))
            {
                if (type.GetProperty("Id")?.GetValue(document) is Guid id && stored.TryGetValue(id, out var s))
                {
                    s.PerCase[type] = document;
                }
            }
        }

        foreach (var group in cases.SelectMany(c => c.Written.Keys.Select(k => (c.Kind, k.Type, k.Id))).GroupBy(w => w.Type))
        {
            var declaration = group.First().Kind.Documents.First(d => d.Type == group.Key);
            var loaded = (await Loader(group.Key, byGuid: false)(session, group.Select(w => w.Id).Distinct().ToArray(), ct))
                .ToDictionary(declaration.IdOf);
            foreach (var c in cases)
            {
                foreach (var key in c.Written.Keys.Where(k => k.Type == group.Key))
                {
                    stored[c.CaseId].Written[key] = loaded.GetValueOrDefault(key.Id);
                }
            }
        }

        var keys = cases.SelectMany(c => c.Written.Keys.Select(k => DerivedDocument.KeyOf(k.Type, k.Id))).Distinct().ToArray();
        var records = keys.Length == 0 ? [] : (await session.LoadManyAsync<VouchedDocument>(ct, keys)).ToDictionary(r => r.Id);
        foreach (var c in cases)
        {
            foreach (var (type, id) in c.Written.Keys)
            {
                var key = DerivedDocument.KeyOf(type, id);
                stored[c.CaseId].Records[key] = records.GetValueOrDefault(key);
            }
        }

        foreach (var entry in await session.Query<AuditEntry>().Where(a => a.CaseId.IsOneOf(ids)).ToListAsync(ct))
        {
            stored[entry.CaseId].Audit[entry.Id] = entry;
        }

        foreach (var head in await session.LoadManyAsync<ChainHead>(ct, ids))
        {
            stored[head.Id].Head = head;
        }

        return stored;
    }

    private static Func<IQuerySession, Array, CancellationToken, Task<IReadOnlyList<object>>> Loader(Type type, bool byGuid) =>
        Loaders.GetOrAdd((type, byGuid), key => (Func<IQuerySession, Array, CancellationToken, Task<IReadOnlyList<object>>>)Delegate.CreateDelegate(
            typeof(Func<IQuerySession, Array, CancellationToken, Task<IReadOnlyList<object>>>),
            typeof(DocumentVerification).GetMethod(key.Item2 ? nameof(LoadByGuidsAsync) : nameof(LoadByStringsAsync), BindingFlags.NonPublic | BindingFlags.Static)!
                .MakeGenericMethod(key.Item1)));

    private static async Task<IReadOnlyList<object>> LoadByGuidsAsync<T>(IQuerySession session, Array ids, CancellationToken ct) where T : class =>
        (await session.LoadManyAsync<T>(ct, (Guid[])ids)).Cast<object>().ToList();

    private static async Task<IReadOnlyList<object>> LoadByStringsAsync<T>(IQuerySession session, Array ids, CancellationToken ct) where T : class =>
        (await session.LoadManyAsync<T>(ct, (string[])ids)).Cast<object>().ToList();

    /// <summary>Another case's documents as stored, for a recorded decision that read one as a fact.</summary>
    private sealed class StoredFacts(IQuerySession session) : IFactReader
    {
        public async Task<T?> LoadAsync<T>(string id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);

        public async Task<T?> LoadAsync<T>(Guid id, CancellationToken ct) where T : class => await session.LoadAsync<T>(id, ct);
    }
}
